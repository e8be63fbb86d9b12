package dev.cairn.persistence.tck;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.StoreCorruptedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * A {@link ModelBackend} that declares {@code POWER_LOSS_SAFE} and keeps each write in a file of its
 * own, {@code <n>.rec}: written as {@code <n>.tmp}, then renamed; several processes share the
 * directory under a file lock. With {@link Sync#FULL} it is power-loss safe: the file is synced
 * before the rename and the directory after it. The other modes are the kit's power-cut mutants:
 * {@link Sync#FILES} renames without syncing the directory, {@link Sync#NONE} never syncs anything.
 * A torn or missing record ends the log: what follows it was never acknowledged by a safe store.
 */
@SuppressWarnings("try") // a FileLock held by try-with-resources is used for its scope only
final class FilesBackend extends ModelBackend {
    /** What the store makes durable before it acknowledges a write. */
    enum Sync { FULL, FILES, NONE }

    private static final Map<Path, Object> IN_JVM = new ConcurrentHashMap<>();

    private final Path dir;
    private final Sync sync;
    private final Object monitor;
    private final FileChannel lock;
    private long next = 1;

    FilesBackend(Path dir, Sync sync) {
        this.dir = dir.toAbsolutePath().normalize();
        this.sync = sync;
        this.monitor = IN_JVM.computeIfAbsent(this.dir, d -> new Object());
        try {
            Files.createDirectories(dir);
            lock = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        read(m -> null);
    }

    @Override
    Durability durability() {
        return Durability.POWER_LOSS_SAFE;
    }

    @Override
    synchronized <T> T read(Function<ReferenceModel, T> op) {
        synchronized (monitor) {
            try (FileLock l = lock.lock()) {
                catchUp();
                return op.apply(model);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    synchronized <T> T write(Write<T> op) {
        synchronized (monitor) {
            try (FileLock l = lock.lock()) {
                catchUp();
                T result = op.apply(model);
                byte[][] records = op.records(result);
                if (records.length > 0) {
                    persist(records);
                }
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Path record(long n) {
        return dir.resolve(n + ".rec");
    }

    private void persist(byte[][] records) throws IOException {
        Path tmp = dir.resolve(next + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (byte[] r : records) {
                CRC32 crc = new CRC32();
                crc.update(r);
                ByteBuffer frame = ByteBuffer.allocate(8 + r.length);
                frame.putInt(r.length).putInt((int) crc.getValue()).put(r).flip();
                while (frame.hasRemaining()) {
                    ch.write(frame);
                }
            }
            if (sync != Sync.NONE) {
                ch.force(true);
            }
        }
        Files.move(tmp, record(next), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (sync == Sync.FULL) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
        next++;
    }

    /** Replays the records written since the last look; a torn record ends the log. */
    private void catchUp() throws IOException {
        while (Files.exists(record(next))) {
            ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(record(next)));
            java.util.List<byte[]> records = new java.util.ArrayList<>();
            while (all.remaining() >= 8) {
                int length = all.getInt();
                int crc = all.getInt();
                if (length < 1 || length > all.remaining()) {
                    return;
                }
                byte[] r = new byte[length];
                all.get(r);
                CRC32 check = new CRC32();
                check.update(r);
                if ((int) check.getValue() != crc) {
                    return;
                }
                records.add(r);
            }
            if (records.isEmpty() || all.hasRemaining()) {
                return;
            }
            for (byte[] r : records) {
                try {
                    JournalCodec.apply(model, r, false);
                } catch (RuntimeException e) {
                    throw new StoreCorruptedException("record " + record(next) + " does not replay: " + e, e);
                }
            }
            next++;
        }
    }

    @Override
    void release() {
        try {
            lock.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
