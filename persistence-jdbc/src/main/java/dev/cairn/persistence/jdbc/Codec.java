package dev.cairn.persistence.jdbc;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.StoreCorruptedException;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Supplier;

/**
 * How payloads and blobs are stored: raw below {@link #THRESHOLD} bytes or when zstd does not pay,
 * else zstd-compressed. Reads decompress and verify the SHA-256 of the uncompressed bytes, so a
 * damaged row is a {@link StoreCorruptedException}, never wrong bytes.
 *
 * <p>zstd contexts are not thread-safe: a context is used by one thread at a time. They are borrowed
 * from a small pool rather than kept in thread-locals, because zstd-jni frees a context's native
 * memory only when it is closed: a thread-local context would leak with every short-lived or virtual
 * thread a host uses. A context that the full pool cannot take back is closed.
 */
public final class Codec {
    /** Stored as given. */
    public static final int RAW = 0;
    /** One zstd frame. */
    public static final int ZSTD = 1;
    /** Below this many bytes nothing is compressed: the frame overhead would eat the gain. */
    public static final int THRESHOLD = 512;

    private static final int POOL_SIZE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    private static final ArrayBlockingQueue<ZstdCompressCtx> COMPRESSORS = new ArrayBlockingQueue<>(POOL_SIZE);
    private static final ArrayBlockingQueue<ZstdDecompressCtx> DECOMPRESSORS = new ArrayBlockingQueue<>(POOL_SIZE);

    private final int level;

    /**
     * @param level the zstd level for what is compressed
     */
    public Codec(int level) {
        this.level = level;
    }

    /**
     * Bytes as stored, with their codec.
     *
     * @param codec {@link #RAW} or {@link #ZSTD}
     * @param bytes the stored bytes
     */
    public record Stored(int codec, byte[] bytes) {
    }

    /**
     * @param raw the uncompressed bytes; not copied, not changed
     * @return what to store
     */
    public Stored encode(byte[] raw) {
        if (raw.length < THRESHOLD) {
            return new Stored(RAW, raw);
        }
        byte[] packed = compress(raw);
        // Keep it raw unless zstd saves at least 1/16 of the bytes: decompressing costs on every read.
        if (packed.length > raw.length - (raw.length >> 4)) {
            return new Stored(RAW, raw);
        }
        return new Stored(ZSTD, packed);
    }

    private byte[] compress(byte[] raw) {
        ZstdCompressCtx ctx = COMPRESSORS.poll();
        if (ctx == null) {
            ctx = new ZstdCompressCtx();
        }
        boolean reusable = false;
        try {
            ctx.setLevel(level);
            byte[] packed = ctx.compress(raw);
            reusable = true;
            return packed;
        } finally {
            if (!reusable || !COMPRESSORS.offer(ctx)) {
                ctx.close();
            }
        }
    }

    private static byte[] decompress(byte[] stored, int size) {
        ZstdDecompressCtx ctx = DECOMPRESSORS.poll();
        if (ctx == null) {
            ctx = new ZstdDecompressCtx();
        }
        boolean reusable = false;
        try {
            byte[] raw = ctx.decompress(stored, size);
            reusable = true;
            return raw;
        } finally {
            if (!reusable || !DECOMPRESSORS.offer(ctx)) {
                ctx.close();
            }
        }
    }

    /**
     * Decodes and verifies stored bytes.
     *
     * @param codec the stored codec
     * @param stored the stored bytes
     * @param size the uncompressed size the row records
     * @param digest the SHA-256 the uncompressed bytes must have
     * @param what what the bytes are, for the message, e.g. {@code "blob sha256:..."}
     * @return the uncompressed, verified bytes
     * @throws StoreCorruptedException if they cannot be decoded or do not match
     */
    public static byte[] decode(int codec, byte[] stored, long size, byte[] digest, String what) {
        return decode(codec, stored, size, digest, () -> what);
    }

    /**
     * Decodes and verifies stored bytes.
     *
     * @param codec the stored codec
     * @param stored the stored bytes
     * @param size the uncompressed size the row records
     * @param digest the SHA-256 the uncompressed bytes must have
     * @param what what the bytes are, for the message, e.g. {@code "blob sha256:..."}; called only on failure
     * @return the uncompressed, verified bytes
     * @throws StoreCorruptedException if they cannot be decoded or do not match
     */
    public static byte[] decode(int codec, byte[] stored, long size, byte[] digest, Supplier<String> what) {
        byte[] raw;
        if (codec == RAW) {
            raw = stored;
        } else if (codec == ZSTD) {
            if (size < 0 || size > Integer.MAX_VALUE - 16) {
                throw new StoreCorruptedException("The stored size " + size + " of " + what.get() + " is impossible");
            }
            try {
                raw = decompress(stored, (int) size);
            } catch (ZstdException | IllegalArgumentException e) {
                throw new StoreCorruptedException("The stored bytes of " + what.get() + " are not a valid zstd frame: "
                        + e.getMessage(), e);
            }
        } else {
            throw new StoreCorruptedException("Unknown codec " + codec + " in the stored row of " + what.get());
        }
        if (raw.length != size) {
            throw new StoreCorruptedException("The stored bytes of " + what.get() + " decode to " + raw.length
                    + " bytes, but the row records " + size);
        }
        if (!MessageDigest.isEqual(ContentHash.digest(raw), digest)) {
            throw new StoreCorruptedException("The stored bytes of " + what.get() + " do not hash to their SHA-256;"
                    + " the database was damaged. Restore it from a backup");
        }
        return raw;
    }
}
