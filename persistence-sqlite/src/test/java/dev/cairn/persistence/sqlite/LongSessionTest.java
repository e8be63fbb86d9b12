package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.jdbc.Sql;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 100,000-node session: a tail read walks as many nodes as it returns, and reads that are not of
 * the whole graph stay small.
 */
class LongSessionTest {
    private static final int NODES = 100_000;
    private static SqliteSessionStoreFactory factory;
    private static RuntimePersistence store;

    @BeforeAll
    static void build() {
        factory = new SqliteSessionStoreFactory(TestDirs.fresh("long"));
        store = factory.createStore(SessionStoreCreateRequest.of("long"));
        store.commitRuntimeState(RuntimeCommit.expecting(0).append(NewNode.root("n0", NodeKind.USER_INPUT, bytes(0)))
                .head("n0").checkpoint("plugin_state", bytes(-1)).usage("n0", "m", TokenUsage.of(1, 1)).build());
        long revision = 1;
        int batch = 1000;
        for (int from = 1; from < NODES; from += batch) {
            RuntimeCommit.Builder b = RuntimeCommit.expecting(revision);
            int to = Math.min(NODES - 1, from + batch - 1);
            for (int i = from; i <= to; i++) {
                b.append(NewNode.child("n" + i, "n" + (i - 1), NodeKind.ASSISTANT_RESPONSE, bytes(i)));
            }
            revision = store.commitRuntimeState(b.head("n" + to).usage("n" + to, "m", TokenUsage.of(1, 1)).build()).revision();
        }
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    private static byte[] bytes(int i) {
        return ("{\"turn\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTailReadReturnsTheLastNodesAndTheWholeLedger() {
        PersistedSessionRead r = store.loadSession(SessionReadScope.activePathTail(5)).orElseThrow();
        assertEquals(List.of("n99995", "n99996", "n99997", "n99998", "n99999"),
                r.nodes().stream().map(SessionNode::nodeId).toList());
        assertEquals(List.of(99996L, 99997L, 99998L, 99999L, 100000L), r.nodes().stream().map(SessionNode::seq).toList());
        // The slot committed at the root resolves with one lookup, not a walk of 100,000 nodes.
        assertEquals("n0", r.checkpoint().slot("plugin_state").orElseThrow().nodeId());
        assertEquals(TokenUsage.of(101, 101), r.usage().total());
        assertEquals(1, r.usage().turns().size());
        assertEquals(NODES, store.loadSession(SessionReadScope.activePath()).orElseThrow().nodes().size());
    }

    @Test
    void theTailWalkVisitsNNodesNotTheSession() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + factory.database().file())) {
            long head;
            try (PreparedStatement ps = c.prepareStatement("SELECT nid FROM nodes WHERE node_id = 'n99999'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                head = rs.getLong(1);
            }
            for (int n : new int[] {1, 10, 1000}) {
                try (PreparedStatement ps = c.prepareStatement(SqliteDialect.translate(Sql.PATH_CTE + "SELECT count(*) FROM path"))) {
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
}
