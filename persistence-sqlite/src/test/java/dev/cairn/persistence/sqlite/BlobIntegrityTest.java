package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.jdbc.Codec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Blobs and payloads: compressed where it pays, deduplicated, verified on every read (rule 13). */
class BlobIntegrityTest {
    private Path dir;
    private SqliteSessionStoreFactory factory;
    private RuntimePersistence store;

    @BeforeEach
    void open() {
        dir = TestDirs.fresh("blobs");
        factory = new SqliteSessionStoreFactory(dir);
        store = factory.createStore(SessionStoreCreateRequest.of("s"));
    }

    @AfterEach
    void close() {
        factory.close();
    }

    static byte[] compressible(int size) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < size; i++) {
            sb.append("{\"role\":\"tool\",\"line\":").append(i).append(",\"text\":\"the same words again\"}\n");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private BlobRef attach(RuntimePersistence s, String nodeId, byte[] bytes) {
        long rev = s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().head().revision();
        RuntimeCommit.Builder b = RuntimeCommit.expecting(rev);
        BlobRef ref = b.attach(bytes, "application/octet-stream");
        s.commitRuntimeState(b.append(NewNode.root(nodeId, NodeKind.TOOL_RESULT, new byte[0], ref)).build());
        return ref;
    }

    /** @return {codec, stored length} of a blob row */
    private long[] row(ContentHash hash) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             PreparedStatement ps = c.prepareStatement("SELECT codec, length(bytes), size FROM blobs WHERE hash = ?")) {
            ps.setBytes(1, hash.toBytes());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no row for " + hash);
                return new long[] {rs.getInt(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aStoredBlobIsNotCompressedAgainAndOneThatVanishedAfterTheCheckIsStoredInTheTransaction() throws Exception {
        byte[] bytes = compressible(64 * 1024);
        BlobRef first = attach(store, "a", bytes);
        BlobRef again = attach(store, "b", bytes); // stored: skips compression, the transaction finds the row
        assertEquals(first.hash(), again.hash());
        assertEquals(Codec.ZSTD, row(first.hash())[0]);
        assertArrayEquals(bytes, store.loadBlob(again.hash()).orElseThrow());

        // The reader said "stored", but the row is gone by the write (as if gc took it in between):
        // the write transaction sees that, compresses the bytes and inserts them.
        byte[] other = compressible(32 * 1024 + 7);
        factory.commits().storedBlobsForTest(hashes -> hashes);
        try {
            BlobRef ref = attach(store, "c", other);
            long[] r = row(ref.hash());
            assertEquals(Codec.ZSTD, r[0]);
            assertEquals(other.length, r[2]);
            assertArrayEquals(other, store.loadBlob(ref.hash()).orElseThrow());
        } finally {
            factory.commits().storedBlobsForTest(null);
        }
    }

    @Test
    void largeCompressibleBlobsAreStoredWithZstdAndComeBackExactly() throws Exception {
        byte[] bytes = compressible(256 * 1024);
        BlobRef ref = attach(store, "a", bytes);
        long[] row = row(ref.hash());
        assertEquals(Codec.ZSTD, row[0]);
        assertTrue(row[1] < bytes.length / 4, "stored " + row[1] + " bytes for " + bytes.length);
        assertEquals(bytes.length, row[2]);
        assertArrayEquals(bytes, store.loadBlob(ref.hash()).orElseThrow());
    }

    @Test
    void smallAndIncompressibleBlobsStayRaw() throws Exception {
        BlobRef small = attach(store, "a", compressible(Codec.THRESHOLD - 1));
        BlobRef noise = attach(store, "b", random(64 * 1024, 7));
        assertEquals(Codec.RAW, row(small.hash())[0]);
        assertEquals(Codec.RAW, row(noise.hash())[0]);
        assertArrayEquals(random(64 * 1024, 7), store.loadBlob(noise.hash()).orElseThrow());
    }

    @Test
    void blobsAreStoredOnceAcrossSessions() throws Exception {
        byte[] bytes = compressible(10_000);
        RuntimePersistence other = factory.createStore(SessionStoreCreateRequest.of("other"));
        BlobRef a = attach(store, "a", bytes);
        BlobRef b = attach(other, "b", bytes);
        assertEquals(a.hash(), b.hash());
        assertEquals(1, count("SELECT count(*) FROM blobs"));
        assertEquals(2, count("SELECT count(*) FROM attachments"));
    }

    @Test
    void aDamagedCompressedBlobIsRefused() {
        BlobRef ref = attach(store, "a", compressible(100_000));
        assertTrue(Corruption.flipBlobBit(dir.resolve(Database.FILE_NAME), ref.hash()));
        assertThrows(StoreCorruptedException.class, () -> store.loadBlob(ref.hash()));
    }

    @Test
    void aDamagedRawBlobIsRefused() {
        BlobRef ref = attach(store, "a", random(4096, 3));
        assertTrue(Corruption.flipBlobBit(dir.resolve(Database.FILE_NAME), ref.hash()));
        assertThrows(StoreCorruptedException.class, () -> store.loadBlob(ref.hash()));
    }

    @Test
    void aDamagedPayloadIsRefused() {
        store.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(NewNode.root("big", NodeKind.USER_INPUT, compressible(50_000)))
                .append(NewNode.root("small", NodeKind.USER_INPUT, "hello".getBytes(StandardCharsets.UTF_8)))
                .head("small").build());
        assertArrayEquals(compressible(50_000), store.loadNode("big").orElseThrow().payload());
        assertTrue(Corruption.flipPayloadBit(dir.resolve(Database.FILE_NAME), "big"));
        assertTrue(Corruption.flipPayloadBit(dir.resolve(Database.FILE_NAME), "small"));
        assertThrows(StoreCorruptedException.class, () -> store.loadNode("big"));
        assertThrows(StoreCorruptedException.class, () -> store.loadNode("small"));
        assertThrows(StoreCorruptedException.class, () -> store.loadSession(SessionReadScope.fullGraph()));
    }

    @Test
    void threadsDecompressInParallel() throws Exception {
        List<BlobRef> refs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            refs.add(attach(store, "n" + i, compressible(20_000 + i * 1000)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int round = 0; round < 50; round++) {
                        for (int i = 0; i < refs.size(); i++) {
                            assertArrayEquals(compressible(20_000 + i * 1000), store.loadBlob(refs.get(i).hash()).orElseThrow());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
