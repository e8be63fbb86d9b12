package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A version-1 schema, written as version 1 wrote checkpoints (every resolved slot of a node copied
 * into {@code resolved_checkpoints}, its own ones included), is migrated to version 2 (issue 17: own
 * slots live in {@code checkpoints} alone) and version 3 (small slot values kept in their row), and
 * resolves and loads as before.
 */
class SchemaV2MigrationTest {
    private static final byte[] TOOL_STATE = "{\"step\":2}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aVersion1SchemaIsMigratedAndResolvesItsCheckpointAsBefore() throws Exception {
        String location = Pg.freshLocation("v1fixture", "readers=1&writers=1");
        String schema = Pg.schemaOf(location);
        String q = Database.quote(schema) + ".";
        ContentHash ts = ContentHash.of(TOOL_STATE);
        try (Connection c = PostgresTestServer.get().adminConnection()) {
            Migrations.migrateTo(c, location, schema, 1);
            long sid = insert(c, "INSERT INTO " + q + "sessions (session_id, name, model, cwd, created_at, revision,"
                    + " head_node_id, last_seq) VALUES ('legacy', 'Legacy', 'm', '/w', 1, 3, 'n3', 3) RETURNING sid");
            long n1 = node(c, q, sid, "n1", null, 1);
            long n2 = node(c, q, sid, "n2", n1, 2);
            exec(c, "UPDATE " + q + "nodes SET ck_nid = nid WHERE nid = " + n2);
            long n3 = node(c, q, sid, "n3", n2, 3);
            exec(c, "UPDATE " + q + "nodes SET ck_nid = " + n2 + " WHERE nid = " + n3);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q + "blobs (hash, size, codec, bytes, created_at)"
                    + " VALUES (?, ?, 0, ?, 1)")) {
                ps.setBytes(1, ts.toBytes());
                ps.setLong(2, TOOL_STATE.length);
                ps.setBytes(3, TOOL_STATE);
                ps.executeUpdate();
            }
            // version 1 wrote an own slot twice: the slot row, and its copy among the resolved ones
            slotRow(c, "INSERT INTO " + q + "checkpoints (nid, slot, hash, size) VALUES (?, 'tool_state', ?, ?)", n2, ts);
            slotRow(c, "INSERT INTO " + q + "resolved_checkpoints (nid, slot, node_id, hash, size)"
                    + " VALUES (?, 'tool_state', 'n2', ?, ?)", n2, ts);
        }
        try (PostgresSessionStoreFactory f = Pg.open(location)) {
            RuntimePersistence s = f.openExisting("legacy").orElseThrow();
            Checkpoint ck = s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().checkpoint();
            assertEquals("n2", ck.slot("tool_state").orElseThrow().nodeId());
            assertArrayEquals(TOOL_STATE, s.loadBlob(ck.slot("tool_state").orElseThrow().blob().hash()).orElseThrow());
            Checkpoint after = s.commitRuntimeState(RuntimeCommit.expecting(3)
                    .append(NewNode.child("n4", "n3", NodeKind.USER_INPUT, new byte[] {1})).head("n4")
                    .checkpoint("plan", new byte[] {7}).build()).checkpoint();
            assertEquals(Set.of("plan", "tool_state"), after.slots().keySet());
            assertEquals("n2", after.slot("tool_state").orElseThrow().nodeId());
            assertEquals(after, s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().checkpoint());
        }
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n.node_id, r.slot FROM " + q + "resolved_checkpoints r JOIN " + q
                     + "nodes n ON n.nid = r.nid ORDER BY 1, 2")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "/" + rs.getString(2));
            }
            // version 1's copy of n2's own slot is gone; n4 stores only the slot it inherits
            assertEquals(List.of("n4/tool_state"), rows);
        }
        // version 3: version 1's slot row names its blob; the new small slot carries its value, no blob row
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n.node_id, c.slot, c.bytes IS NOT NULL, (SELECT count(*) FROM " + q
                     + "blobs b WHERE b.hash = c.hash) FROM " + q + "checkpoints c JOIN " + q + "nodes n ON n.nid = c.nid"
                     + " ORDER BY 1")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "/" + rs.getString(2) + " inline=" + rs.getBoolean(3) + " blobs=" + rs.getInt(4));
            }
            assertEquals(List.of("n2/tool_state inline=false blobs=1", "n4/plan inline=true blobs=0"), rows);
        }
        try (PostgresSessionStoreFactory f = Pg.open(location)) {
            RuntimePersistence s = f.openExisting("legacy").orElseThrow();
            s.gcUnreachable();
            Checkpoint ck = s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().checkpoint();
            assertArrayEquals(TOOL_STATE, s.loadBlob(ck.slot("tool_state").orElseThrow().blob().hash()).orElseThrow());
            assertArrayEquals(new byte[] {7}, s.loadBlob(ck.slot("plan").orElseThrow().blob().hash()).orElseThrow());
        }
    }

    private static void slotRow(Connection c, String sql, long nid, ContentHash hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, nid);
            ps.setBytes(2, hash.toBytes());
            ps.setLong(3, TOOL_STATE.length);
            ps.executeUpdate();
        }
    }

    private static long node(Connection c, String q, long sid, String id, Long parent, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q + "nodes (sid, node_id, parent_nid, seq, kind,"
                + " codec, payload, payload_size, payload_hash, created_at) VALUES (?, ?, ?, ?, 'user_input', 0, ?, 1, ?, 1)"
                + " RETURNING nid")) {
            ps.setLong(1, sid);
            ps.setString(2, id);
            ps.setObject(3, parent);
            ps.setLong(4, seq);
            ps.setBytes(5, new byte[] {(byte) seq});
            ps.setBytes(6, ContentHash.digest(new byte[] {(byte) seq}));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long insert(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
