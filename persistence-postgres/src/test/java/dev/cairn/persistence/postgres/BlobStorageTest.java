package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.jdbc.Codec;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Blobs are stored once per content hash for the whole database, zstd-compressed where it pays, verified on read. */
class BlobStorageTest {

    static byte[] compressible(int size) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < size; i++) {
            sb.append("{\"role\":\"tool\",\"line\":").append(i).append(",\"text\":\"the same words again\"}\n");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    private static long[] row(String schema, String sql, byte[] hash) throws SQLException {
        try (Connection c = PostgresTestServer.get().adminConnection();
             PreparedStatement ps = c.prepareStatement(sql.replace("~", schema + "."))) {
            if (hash != null) {
                ps.setBytes(1, hash);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                long[] out = new long[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = rs.getLong(i + 1);
                }
                return out;
            }
        }
    }

    @Test
    void oneCopyPerContentAcrossSessionsAndInstancesCompressedWherePays() throws Exception {
        String location = Pg.freshLocation("blobs", "");
        String schema = Pg.schemaOf(location);
        byte[] text = compressible(64 * 1024);
        byte[] noise = new byte[8 * 1024];
        new Random(7).nextBytes(noise);
        BlobRef textRef;
        BlobRef noiseRef;
        try (PostgresSessionStoreFactory a = Pg.open(location); PostgresSessionStoreFactory b = Pg.open(location)) {
            textRef = null;
            noiseRef = null;
            for (int i = 0; i < 4; i++) {
                PostgresSessionStoreFactory f = i % 2 == 0 ? a : b;
                RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s" + i));
                RuntimeCommit.Builder c = RuntimeCommit.expecting(0);
                textRef = c.attach(text, "application/json");
                noiseRef = c.attach(noise, BlobRef.OCTET_STREAM);
                s.commitRuntimeState(c.append(NewNode.root("n", NodeKind.TOOL_RESULT, text, textRef, noiseRef))
                        .head("n").build());
            }
            assertEquals(2, row(schema, "SELECT count(*) FROM ~blobs", null)[0], "one row per content");
            long[] stored = row(schema, "SELECT codec, octet_length(bytes), size FROM ~blobs WHERE hash = ?",
                    textRef.hash().toBytes());
            assertEquals(Codec.ZSTD, stored[0]);
            assertTrue(stored[1] < stored[2] / 10, "zstd shrinks repetitive JSON: " + stored[1] + " of " + stored[2]);
            assertEquals(Codec.RAW, row(schema, "SELECT codec FROM ~blobs WHERE hash = ?", noiseRef.hash().toBytes())[0],
                    "random bytes stay raw");
            assertEquals(Codec.ZSTD, row(schema, "SELECT max(codec) FROM ~nodes", null)[0], "payloads are compressed too");

            RuntimePersistence reader = b.openExisting("s1").orElseThrow();
            assertArrayEquals(text, reader.loadBlob(textRef.hash()).orElseThrow());
            assertArrayEquals(noise, reader.loadBlob(noiseRef.hash()).orElseThrow());
            assertTrue(Pg.corruptBlob(schema, textRef.hash()));
            BlobRef damaged = textRef;
            assertThrows(StoreCorruptedException.class, () -> reader.loadBlob(damaged.hash()));
        }
    }
}
