package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.jdbc.Sql;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 50,000-node session among 2,000 others: reads and commits find their rows through indexes
 * (checked with {@code EXPLAIN} on the analyzed tables, under the store's planner settings), and a
 * tail read walks as many nodes as it returns.
 */
class LongSessionTest {
    private static final int NODES = 50_000;
    private static final int SESSIONS = 2_000;
    private static String schema;
    private static PostgresSessionStoreFactory factory;
    private static RuntimePersistence store;
    private static BlobRef attachment;

    @BeforeAll
    static void build() throws SQLException {
        String location = Pg.freshLocation("long", "durability=process-crash");
        schema = Pg.schemaOf(location);
        factory = Pg.open(location);
        store = factory.createStore(SessionStoreCreateRequest.of("long"));
        RuntimeCommit.Builder first = RuntimeCommit.expecting(0);
        attachment = first.attach("an attachment".getBytes(StandardCharsets.UTF_8), "text/plain");
        store.commitRuntimeState(first.append(NewNode.root("n0", NodeKind.USER_INPUT, bytes(0), attachment))
                .head("n0").checkpoint("plugin_state", bytes(-1)).usage("n0", "m", TokenUsage.of(1, 1)).build());
        long revision = 1;
        int batch = 2_000;
        for (int from = 1; from < NODES; from += batch) {
            RuntimeCommit.Builder b = RuntimeCommit.expecting(revision);
            int to = Math.min(NODES - 1, from + batch - 1);
            for (int i = from; i <= to; i++) {
                b.append(NewNode.child("n" + i, "n" + (i - 1), NodeKind.ASSISTANT_RESPONSE, bytes(i)));
            }
            revision = store.commitRuntimeState(b.head("n" + to).usage("n" + to, "m", TokenUsage.of(1, 1)).build())
                    .revision();
        }
        for (int i = 0; i < SESSIONS; i++) {
            RuntimePersistence other = factory.createStore(SessionStoreCreateRequest.of("other-" + i));
            // Every table gets rows of many sessions, so the planner's choices are those of a real store.
            RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
            BlobRef own = b.attach(("attachment " + i).getBytes(StandardCharsets.UTF_8), "text/plain");
            other.commitRuntimeState(b.append(NewNode.root("r", NodeKind.USER_INPUT, bytes(i), own)).head("r")
                    .checkpoint("state", bytes(-i)).usage("r", "m", TokenUsage.of(i, i)).idempotencyKey("k" + i)
                    .build());
        }
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement s = c.createStatement()) {
            for (String table : Schema.TABLES) {
                s.execute("ANALYZE " + schema + "." + table);
            }
        }
    }

    @AfterAll
    static void close() {
        if (factory != null) {
            factory.close();
        }
    }

    private static byte[] bytes(int i) {
        return ("{\"turn\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTailReadReturnsTheLastNodesAndTheWholeLedger() {
        PersistedSessionRead r = store.loadSession(SessionReadScope.activePathTail(5)).orElseThrow();
        assertEquals(List.of("n49995", "n49996", "n49997", "n49998", "n49999"),
                r.nodes().stream().map(SessionNode::nodeId).toList());
        assertEquals("n0", r.checkpoint().slot("plugin_state").orElseThrow().nodeId());
        assertEquals(TokenUsage.of(26, 26), r.usage().total());
        assertEquals(NODES, store.loadSession(SessionReadScope.activePath()).orElseThrow().nodes().size());
    }

    @Test
    void theTailWalkVisitsNNodesNotTheSession() throws Exception {
        long head = nid("n49999");
        try (Connection c = PostgresTestServer.get().adminConnection()) {
            for (int n : new int[] {1, 10, 1000}) {
                try (PreparedStatement ps = c.prepareStatement(qualify(Sql.PATH_CTE + "SELECT count(*) FROM path"))) {
                    ps.setLong(1, head);
                    ps.setLong(2, n);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertEquals(n, rs.getInt(1), "rows the path walk produced for a tail of " + n);
                    }
                }
            }
        }
    }

    /** Every hot statement, with realistic arguments: no sequential scan of a table that grows. */
    @Test
    void hotStatementsUseIndexes() throws Exception {
        long head = nid("n49999");
        long sid = scalar("SELECT sid FROM " + schema + ".sessions WHERE session_id = 'long'");
        long small = scalar("SELECT sid FROM " + schema + ".sessions WHERE session_id = 'other-5'");
        List<String> problems = new ArrayList<>();
        for (HotStatements.Statement st : HotStatements.all("long", sid, head, small, attachment.hash().toBytes(),
                "other-5")) {
            String plan = explain(st);
            if (!HotStatements.scans(plan).isEmpty()) {
                problems.add(st.name() + ": " + HotStatements.scans(plan) + "\n" + plan);
            }
        }
        assertTrue(problems.isEmpty(), "statements that scan a whole table:\n" + String.join("\n", problems));
    }

    @Test
    void theCatalogueListsNewestFirstAcrossPages() {
        var page = factory.listSessions(SessionQuery.all().withLimit(50));
        assertEquals(50, page.sessions().size());
        assertEquals("other-" + (SESSIONS - 1), page.sessions().get(0).sessionId());
        assertFalse(page.nextCursor().isEmpty());
    }

    private static String explain(HotStatements.Statement st) throws SQLException {
        try (Connection c = PostgresTestServer.get().adminConnection()) {
            c.setAutoCommit(false);
            try (Statement settings = c.createStatement()) {
                settings.execute(Database.HOST_SETTINGS); // plan as the store's own connections do
            }
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + qualify(st.sql()))) {
                for (int i = 0; i < st.args().length; i++) {
                    ps.setObject(i + 1, st.args()[i]);
                }
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                c.rollback();
            }
        }
    }

    private static String qualify(String sql) {
        return sql.replace("~", schema + ".");
    }

    private static long nid(String nodeId) throws SQLException {
        return scalar("SELECT n.nid FROM " + schema + ".nodes n JOIN " + schema + ".sessions s ON s.sid = n.sid"
                + " WHERE s.session_id = 'long' AND n.node_id = '" + nodeId + "'");
    }

    private static long scalar(String sql) throws SQLException {
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
