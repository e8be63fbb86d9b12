package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A version-4 store, with turns written by version 4's {@code commit_turn}, is migrated to version 5 (the
 * same function doing less work per turn): the function is replaced, the history records version 5, and the
 * session written before goes on with turns through the new function, its head, path and ledger intact.
 */
class SchemaV5MigrationTest {
    @Test
    void aVersion4StoreIsMigratedAndItsSessionGoesOn() throws Exception {
        String location = Pg.freshLocation("v4fixture", "readers=1&writers=1");
        String schema = Pg.schemaOf(location);
        String q = Database.quote(schema) + ".";
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement()) {
            Migrations.migrateTo(c, location, schema, 4);
            st.execute("INSERT INTO " + q + "sessions (session_id, name, model, cwd, created_at) VALUES ('legacy',"
                    + " 'Legacy', 'm', '/w', 1)");
            // two turns through version 4's function, as a release at version 4 wrote them
            st.execute(v4Turn(q, "NULL", "n1", "NULL"));
            st.execute(v4Turn(q, "1", "n2", "'n1'"));
            assertEquals(4, count(st, "SELECT max(version) FROM " + q + "cairn_schema_history"));
            assertTrue(!function(st, schema).contains("v_nid"), "version 4's body");
        }
        try (PostgresSessionStoreFactory f = Pg.open(location)) {
            RuntimePersistence s = f.openExisting("legacy").orElseThrow();
            RuntimeCommitResult r = s.commitRuntimeState(RuntimeCommit.expecting(2)
                    .append(NewNode.child("n3", "n2", NodeKind.ASSISTANT_RESPONSE, new byte[] {3})).head("n3")
                    .usage("n3", "m1", new TokenUsage(5, 1, 0, 0)).idempotencyKey("t3").build());
            assertEquals(3, r.revision());
            assertEquals(Optional.of("n3"), r.head());
            assertTrue(s.commitRuntimeState(RuntimeCommit.expecting(2)
                    .append(NewNode.child("n3", "n2", NodeKind.ASSISTANT_RESPONSE, new byte[] {3})).head("n3")
                    .usage("n3", "m1", new TokenUsage(5, 1, 0, 0)).idempotencyKey("t3").build()).replayed());
            PersistedSessionRead read = s.loadSession(SessionReadScope.activePath()).orElseThrow();
            assertEquals(List.of("n1", "n2", "n3"), read.nodes().stream().map(n -> n.nodeId()).toList());
            assertEquals(new TokenUsage(25, 3, 0, 0), read.usage().total());
            assertEquals(Map.of("m1", new TokenUsage(25, 3, 0, 0)), read.usage().byModel());
            assertEquals(3, read.usage().turns().size());
        }
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement()) {
            assertEquals(5, count(st, "SELECT max(version) FROM " + q + "cairn_schema_history"));
            assertEquals(5, count(st, "SELECT count(*) FROM " + q + "cairn_schema_history"));
            assertTrue(function(st, schema).contains("v_nid"), "version 5's body replaced version 4's");
            assertEquals(1, count(st, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = '" + schema + "' AND p.proname = 'commit_turn'"));
        }
    }

    /** A call of version 4's function: a turn of node {@code id} (parent, expected revision), 10 + 1 tokens of m1. */
    private static String v4Turn(String q, String expected, String id, String parent) {
        return "SELECT * FROM " + q + "commit_turn('legacy', (SELECT sid FROM " + q + "sessions), " + expected + ", '"
                + id + "', NULL, NULL, 1, '" + id + "', " + parent + ", 'user_input', 0, '\\x01'::bytea, 1,"
                + " sha256('\\x01'::bytea), ARRAY['" + id + "'], ARRAY['m1'], ARRAY[10::bigint], ARRAY[1::bigint],"
                + " ARRAY[0::bigint], ARRAY[0::bigint], ARRAY['m1', ''], ARRAY[10::bigint, 10], ARRAY[1::bigint, 1],"
                + " ARRAY[0::bigint, 0], ARRAY[0::bigint, 0])";
    }

    private static String function(Statement st, String schema) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = '" + schema + "' AND p.proname = 'commit_turn'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
