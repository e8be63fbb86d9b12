package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.jdbc.Codec;
import dev.cairn.persistence.jdbc.Encoding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Makes {@code src/test/resources/schema-v1/cairn.db}: a database of schema version 1 with one
 * session written the way version 1 stored it, so {@link SchemaMigrationTest} can prove that the
 * migrations bring such a file forward. Run it again only if the fixture is lost; version 1 never
 * changes:
 *
 * <pre>{@code java -cp target/classes:target/test-classes:<deps> dev.cairn.persistence.sqlite.V1Fixture src/test/resources/schema-v1/cairn.db}</pre>
 */
public final class V1Fixture {
    /** The session of the fixture. */
    static final String SESSION = "legacy-session";
    /** Creation time of everything in the fixture: 2024-05-01T12:00:00.123456Z, in nanoseconds. */
    static final long CREATED = 1_714_564_800_123_456_000L;
    static final byte[] PAYLOAD_1 = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] PAYLOAD_2 = BlobIntegrityTest.compressible(2048);
    static final byte[] PAYLOAD_3 = "{\"tool\":\"read\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] ATTACHMENT = BlobIntegrityTest.compressible(4096);
    static final byte[] TOOL_STATE = "{\"open_files\":[\"a.txt\"]}".getBytes(StandardCharsets.UTF_8);

    private V1Fixture() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/schema-v1/cairn.db");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.deleteIfExists(out);
        write(out);
        System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }

    /** Writes a version-1 database to a new file. */
    static void write(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        try (Connection c = ds.getConnection()) {
            Migrations.migrateTo(c, "fixture", 1);
            Codec codec = new Codec(3);
            exec(c, "BEGIN IMMEDIATE");
            long sid = insert(c, "INSERT INTO sessions (session_id, parent_session_id, name, model, cwd, created_at, revision,"
                    + " head_node_id, last_seq) VALUES (?, NULL, 'Legacy', 'model-a', '/work', ?, 3, 'n3', 3) RETURNING sid",
                    SESSION, CREATED);
            update(c, "INSERT INTO session_attributes (sid, key, value) VALUES (?, 'team', 'core')", sid);
            long n1 = node(c, codec, sid, "n1", 0, 1, "user_input", PAYLOAD_1, null, 0);
            long n2 = node(c, codec, sid, "n2", n1, 2, "assistant_response", PAYLOAD_2, null, 0);
            update(c, "UPDATE nodes SET ck_nid = ? WHERE nid = ?", n2, n2);
            ContentHash att = ContentHash.of(ATTACHMENT);
            byte[] refs = Encoding.encodeRefs(java.util.List.of(
                    new dev.cairn.persistence.BlobRef(att, ATTACHMENT.length, "text/plain"))).orElseThrow();
            long n3 = node(c, codec, sid, "n3", n2, 3, "tool_result", PAYLOAD_3, refs, n2);
            update(c, "INSERT INTO attachments (nid, pos, hash) VALUES (?, 0, ?)", n3, att.toBytes());
            blob(c, codec, ATTACHMENT);
            ContentHash ts = ContentHash.of(TOOL_STATE);
            blob(c, codec, TOOL_STATE);
            update(c, "INSERT INTO checkpoints (nid, slot, hash, size) VALUES (?, 'tool_state', ?, ?)", n2, ts.toBytes(),
                    TOOL_STATE.length);
            update(c, "INSERT INTO resolved_checkpoints (nid, slot, node_id, hash, size) VALUES (?, 'tool_state', 'n2', ?, ?)",
                    n2, ts.toBytes(), TOOL_STATE.length);
            update(c, "INSERT INTO usage (sid, revision, pos, nid, node_id, model, input_tokens, output_tokens,"
                    + " cached_input_tokens, reasoning_tokens, recorded_at) VALUES (?, 2, 0, ?, 'n2', 'model-a', 10, 5, 2, 1, ?)",
                    sid, n2, CREATED);
            update(c, "INSERT INTO usage (sid, revision, pos, nid, node_id, model, input_tokens, output_tokens,"
                    + " cached_input_tokens, reasoning_tokens, recorded_at) VALUES (?, 3, 0, ?, 'n3', 'model-b', 3, 1, 0, 0, ?)",
                    sid, n3, CREATED);
            exec(c, "COMMIT");
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
    }

    private static long node(Connection c, Codec codec, long sid, String id, long parent, long seq, String kind,
                             byte[] payload, byte[] refs, long ck) throws SQLException {
        Codec.Stored stored = codec.encode(payload);
        return insert(c, "INSERT INTO nodes (sid, node_id, parent_nid, seq, kind, codec, payload, payload_size, payload_hash,"
                        + " attachments, created_at, state, ck_nid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING nid",
                sid, id, parent == 0 ? null : parent, seq, kind, stored.codec(), stored.bytes(), payload.length,
                ContentHash.digest(payload), refs, CREATED, ck == 0 ? null : ck);
    }

    private static void blob(Connection c, Codec codec, byte[] bytes) throws SQLException {
        Codec.Stored stored = codec.encode(bytes);
        update(c, "INSERT INTO blobs (hash, size, codec, bytes, created_at) VALUES (?, ?, ?, ?, ?)",
                ContentHash.digest(bytes), bytes.length, stored.codec(), stored.bytes(), CREATED);
    }

    private static long insert(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = bind(c, sql, args); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = bind(c, sql, args)) {
            ps.executeUpdate();
        }
    }

    private static PreparedStatement bind(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
