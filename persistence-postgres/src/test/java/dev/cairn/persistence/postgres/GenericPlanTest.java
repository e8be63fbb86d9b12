package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The plans the store's own connections cache. pgjdbc prepares a statement on the server after a few
 * runs, and PostgreSQL then may keep one generic plan for it, made from the statistics of that
 * moment. A store whose tables were analyzed while nearly empty (a new store) and then grew before
 * the next analyze must still find rows through indexes, or every commit would scan the tables.
 */
class GenericPlanTest {

    @Test
    void genericPlansMadeFromEmptyTableStatisticsStillUseIndexes() throws Exception {
        String location = Pg.freshLocation("generic", "durability=process-crash");
        String schema = Pg.schemaOf(location);
        try (PostgresSessionStoreFactory f = Pg.open(location)) {
            try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement()) {
                for (String table : Schema.TABLES) {
                    st.execute("ALTER TABLE " + schema + "." + table + " SET (autovacuum_enabled = off)");
                    st.execute("ANALYZE " + schema + "." + table);
                }
            }
            RuntimePersistence store = f.createStore(SessionStoreCreateRequest.of("long"));
            RuntimeCommit.Builder first = RuntimeCommit.expecting(0);
            BlobRef blob = first.attach("an attachment".getBytes(StandardCharsets.UTF_8), "text/plain");
            store.commitRuntimeState(first.append(NewNode.root("n0", NodeKind.USER_INPUT, new byte[] {0}, blob))
                    .head("n0").checkpoint("state", new byte[] {1}).usage("n0", "m", TokenUsage.of(1, 1)).build());
            long revision = 1;
            for (int from = 1; from < 5_000; from += 1_000) {
                RuntimeCommit.Builder b = RuntimeCommit.expecting(revision);
                for (int i = from; i < from + 1_000; i++) {
                    b.append(NewNode.child("n" + i, "n" + (i - 1), NodeKind.ASSISTANT_RESPONSE, new byte[] {2}));
                }
                revision = store.commitRuntimeState(b.head("n" + (from + 999)).build()).revision();
            }
            for (int i = 0; i < 300; i++) {
                RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
                BlobRef own = b.attach(("attachment " + i).getBytes(StandardCharsets.UTF_8), "text/plain");
                f.createStore(SessionStoreCreateRequest.of("other-" + i)).commitRuntimeState(
                        b.append(NewNode.root("r", NodeKind.USER_INPUT, new byte[] {3}, own)).head("r")
                                .checkpoint("state", new byte[] {4}).usage("r", "m", TokenUsage.of(1, 1))
                                .idempotencyKey("k").build());
            }
            long sid = scalar(f, "SELECT sid FROM ~sessions WHERE session_id = 'long'");
            long head = scalar(f, "SELECT n.nid FROM ~nodes n WHERE n.sid = " + sid + " AND n.node_id = 'n4999'");
            long small = scalar(f, "SELECT sid FROM ~sessions WHERE session_id = 'other-5'");
            assertEquals(0, scalar(f, "SELECT reltuples::bigint FROM pg_class WHERE oid = '~nodes'::regclass"),
                    "the statistics still say the nodes table is empty");
            Assumptions.assumeTrue(scalar(f, "SELECT current_setting('server_version_num')::int") >= 160000,
                    "EXPLAIN (GENERIC_PLAN) needs PostgreSQL 16 or later");
            String storeSetting = f.database().write("read a setting", tx -> {
                try (Statement s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("SHOW enable_seqscan")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertEquals("off", storeSetting, "the store's connections plan without sequential scans");
            List<String> problems = new ArrayList<>();
            int scansWithTheDefault = 0;
            for (HotStatements.Statement st : HotStatements.all("long", sid, head, small, blob.hash().toBytes(),
                    "other-5")) {
                String plan = genericPlan(f, st, storeSetting);
                if (!HotStatements.scans(plan).isEmpty()) {
                    problems.add(st.name() + ": " + HotStatements.scans(plan) + "\n" + plan);
                }
                if (!HotStatements.scans(genericPlan(f, st, "on")).isEmpty()) {
                    scansWithTheDefault++;
                }
            }
            assertTrue(problems.isEmpty(), "generic plans that scan a whole table:\n" + String.join("\n", problems));
            assertTrue(scansWithTheDefault > 0, "the fixture is meant to mislead the planner: with PostgreSQL's"
                    + " default settings some generic plan should scan");
        }
    }

    /**
     * The generic plan of a statement ({@code EXPLAIN (GENERIC_PLAN)}, PostgreSQL 16: the plan a
     * cached prepared statement keeps) under the given planner settings. It needs the simple query
     * protocol (the extended one would want values for {@code $1}), so it runs on a connection of its
     * own, with the settings of the store's connections.
     */
    private static String genericPlan(PostgresSessionStoreFactory f, HotStatements.Statement st, String enableSeqscan)
            throws SQLException {
        PostgresTestServer server = PostgresTestServer.get();
        Properties p = new Properties();
        p.setProperty("user", server.adminUser());
        p.setProperty("password", server.adminPassword());
        p.setProperty("preferQueryMode", "simple");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(server.database()), p);
             Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = " + enableSeqscan);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN (GENERIC_PLAN) " + numbered(f.database().qualify(st.sql())))) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    /** JDBC's {@code ?} placeholders as PostgreSQL's {@code $1, $2, ...}. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                out.append('$').append(++n);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static long scalar(PostgresSessionStoreFactory f, String sql) {
        return f.database().read("test", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(f.database().qualify(sql))) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
