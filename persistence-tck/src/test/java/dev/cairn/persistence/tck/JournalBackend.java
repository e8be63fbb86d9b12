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
import java.nio.file.StandardOpenOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * A {@link ModelBackend} whose operations are appended to a journal file, framed as
 * {@code [length][crc32][record]}, under an exclusive file lock, so that several processes can share
 * it and a process killed at any moment leaves at most a torn last record, which the next opener
 * cuts off. Two switches make it deliberately unsafe, to prove that the kit's rule 23 test catches
 * such stores: {@code early} acknowledges commits before writing them (a write-behind queue), and
 * {@code split} writes each commit in two records and replays a lone first half (a torn commit).
 */
@SuppressWarnings("try") // a FileLock held by try-with-resources is used for its scope only
final class JournalBackend extends ModelBackend {
    private final FileChannel channel;
    private final boolean early;
    private final boolean split;
    private final BlockingQueue<byte[]> behind = new LinkedBlockingQueue<>();
    private long offset;

    JournalBackend(Path dir, boolean early, boolean split) {
        this.early = early;
        this.split = split;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve("journal"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try (FileLock lock = channel.lock()) {
                catchUp();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (early) {
            Thread t = new Thread(this::writeBehind, "tck-journal-write-behind");
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    Durability durability() {
        return Durability.PROCESS_CRASH_SAFE;
    }

    @Override
    synchronized <T> T read(Function<ReferenceModel, T> op) {
        if (early) {
            return op.apply(model);
        }
        try (FileLock lock = channel.lock()) {
            catchUp();
            return op.apply(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    synchronized <T> T write(Write<T> op) {
        if (early) {
            T result = op.apply(model);
            for (byte[] r : op.records(result)) {
                behind.add(r);
            }
            return result;
        }
        try (FileLock lock = channel.lock()) {
            catchUp();
            T result = op.apply(model);
            for (byte[] r : op.records(result)) {
                if (split && JournalCodec.type(r) == 'K') {
                    append(JournalCodec.retype(r, 'A'));
                    Thread.sleep(2);
                    append(new byte[] {'B'});
                } else {
                    append(r);
                }
            }
            offset = channel.size();
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void writeBehind() {
        try {
            while (true) {
                byte[] r = behind.take();
                Thread.sleep(25);
                synchronized (this) {
                    append(r);
                }
            }
        } catch (InterruptedException | IOException e) {
            // the process is going away
        }
    }

    private void append(byte[] record) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(record);
        ByteBuffer frame = ByteBuffer.allocate(8 + record.length);
        frame.putInt(record.length).putInt((int) crc.getValue()).put(record).flip();
        long at = channel.size();
        while (frame.hasRemaining()) {
            at += channel.write(frame, at);
        }
    }

    /** Replays the records other processes appended; cuts off a torn last record. */
    private void catchUp() throws IOException {
        long size = channel.size();
        byte[] pendingA = null;
        while (offset < size) {
            byte[] record = readFrame(offset, size);
            if (record == null) {
                channel.truncate(offset);
                break;
            }
            offset += 8 + record.length;
            if (pendingA != null) {
                boolean completes = JournalCodec.type(record) == 'B';
                apply(pendingA, !completes);
                pendingA = null;
                if (completes) {
                    continue;
                }
            }
            if (JournalCodec.type(record) == 'A') {
                pendingA = record;
            } else if (JournalCodec.type(record) != 'B') {
                apply(record, false);
            }
        }
        if (pendingA != null) {
            apply(pendingA, true); // the unsafe part of split mode: a lone first half is replayed
        }
    }

    private void apply(byte[] record, boolean nodesOnly) {
        try {
            JournalCodec.apply(model, record, nodesOnly);
        } catch (RuntimeException e) {
            throw new StoreCorruptedException("journal record " + JournalCodec.type(record) + " does not replay: " + e, e);
        }
    }

    private byte[] readFrame(long at, long size) throws IOException {
        if (size - at < 8) {
            return null;
        }
        ByteBuffer head = ByteBuffer.allocate(8);
        channel.read(head, at);
        head.flip();
        int length = head.getInt();
        int crc = head.getInt();
        if (length < 1 || size - at - 8 < length) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        while (body.hasRemaining()) {
            channel.read(body, at + 8 + body.position());
        }
        CRC32 check = new CRC32();
        check.update(body.array());
        return (int) check.getValue() == crc ? body.array() : null;
    }

    @Override
    void release() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
