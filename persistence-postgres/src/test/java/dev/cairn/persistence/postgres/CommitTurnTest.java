package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The function {@code commit_turn} (schema version 5: a turn's own usage record without a lookup, no head
 * lookup for the head it appends, no checkpoint query where no slot can be found) writes the same rows and
 * gives the same results as the engine's authoritative path, {@code CommitApply}, for every shape of turn it
 * takes; and it does take each of them (one call between {@code BEGIN} and {@code COMMIT} on the wire, no
 * fallback). The authority runs on a second store whose function was dropped: its call fails and the engine
 * falls back to {@code CommitApply} for every commit.
 */
class CommitTurnTest {
    private static final TokenUsage ONE = new TokenUsage(3, 2, 1, 0);

    @Test
    void everyShapeOfTurnIsOneCallAndWritesWhatTheRulesWrite() throws Exception {
        PostgresTestServer server = PostgresTestServer.get();
        try (RoundTripProxy proxy = new RoundTripProxy(server.host(), server.port())) {
            String call = server.freshSchema("turncall");
            String rules = server.freshSchema("turnrules");
            String viaProxy = server.location(server.database(), "schema=" + call + "&readers=1&writers=1")
                    .replace(":" + server.port() + "/", ":" + proxy.port() + "/");
            try (PostgresSessionStoreFactory a = Pg.open(viaProxy);
                 PostgresSessionStoreFactory b = Pg.open(server.location(server.database(), "schema=" + rules))) {
                exec("DROP FUNCTION " + rules + ".commit_turn");
                RuntimePersistence s = a.createStore(SessionStoreCreateRequest.of("s"));
                RuntimePersistence t = b.createStore(SessionStoreCreateRequest.of("s"));
                List<String> results = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                long calls = 0;
                long before = proxy.statements();
                for (Turn turn : turns()) {
                    long sent = proxy.statements();
                    results.add(describe(s.commitRuntimeState(turn.commit())));
                    expected.add(describe(t.commitRuntimeState(turn.commit())));
                    if (turn.slot()) { // a slot goes through OneTripSlots' batch: not counted
                        before += proxy.statements() - sent;
                    } else {
                        calls++;
                    }
                }
                assertEquals(expected, results);
                long statements = proxy.statements() - before;
                assertTrue(statements >= 3 * calls && statements <= 3 * calls + 1, calls + " turns sent " + statements
                        + " statements, not 3 each (BEGIN, the call, COMMIT): some fell back to CommitApply");
                assertEquals(dump(rules), dump(call));
            }
        }
    }

    /** A commit, and whether it sets a checkpoint slot (so the call does not take it). */
    private record Turn(RuntimeCommit commit, boolean slot) {
    }

    private static List<Turn> turns() {
        List<Turn> out = new ArrayList<>();
        // a root and no head: the session has none (no head, no checkpoint)
        out.add(new Turn(RuntimeCommit.expecting(0).append(root("a")).usage("a", "m1", ONE).build(), false));
        out.add(new Turn(RuntimeCommit.expecting(1).append(leaf("b", "a")).head("b")
                .checkpoint("state", new byte[] {7}).build(), true));
        // the appended head inherits b's slot: the resolution query runs
        out.add(new Turn(RuntimeCommit.expecting(2).append(leaf("c", "b")).head("c").usage("c", "m1", ONE).build(), false));
        // a node beside the stored head, usage of it and of a stored node: the head and the nodes looked up
        out.add(new Turn(RuntimeCommit.expecting(3).append(leaf("d", "c")).usage("d", "m2", ONE).usage("b", "m1", ONE)
                .build(), false));
        // no node: the head moves, usage of a stored node
        out.add(new Turn(RuntimeCommit.expecting(4).head("d").usage("c", "m1", ONE).build(), false));
        // a branch from the root, whose path holds no slot: the empty checkpoint without the query
        out.add(new Turn(RuntimeCommit.expecting(5).append(leaf("e", "a")).head("e").usage("e", "m3", ONE).build(), false));
        // a node, and the head moved to another stored node with its own slot
        out.add(new Turn(RuntimeCommit.expecting(6).append(leaf("f", "d")).head("b").usage("f", "m1", ONE).build(), false));
        // two records of the appended node (not the one-record form), a key; then its replay
        RuntimeCommit keyed = RuntimeCommit.expecting(7).append(leaf("g", "b")).head("g").usage("g", "m1", ONE)
                .usage("g", "m2", ONE).idempotencyKey("k1").build();
        out.add(new Turn(keyed, false));
        out.add(new Turn(keyed, false));
        // unconditional, keyed, one record of the appended head
        out.add(new Turn(RuntimeCommit.unconditional().append(leaf("h", "g")).head("h").usage("h", "m1", ONE)
                .idempotencyKey("k2").build(), false));
        // a node without usage, head appended; a second root without a head move
        out.add(new Turn(RuntimeCommit.expecting(9).append(leaf("i", "h")).head("i").build(), false));
        out.add(new Turn(RuntimeCommit.expecting(10).append(root("j")).build(), false));
        return out;
    }

    private static NewNode root(String id) {
        return NewNode.root(id, NodeKind.USER_INPUT, id.getBytes());
    }

    private static NewNode leaf(String id, String parent) {
        return NewNode.child(id, parent, NodeKind.ASSISTANT_RESPONSE, id.getBytes());
    }

    private static String describe(RuntimeCommitResult r) {
        return r.revision() + " " + r.head() + " " + r.replayed() + " " + r.checkpoint();
    }

    /** Every row a commit writes, by node id (not nid), without the times. */
    private static List<String> dump(String schema) throws SQLException {
        String q = schema + ".";
        List<String> out = new ArrayList<>();
        for (String sql : List.of(
                "SELECT concat_ws(' ', revision, last_seq, head_node_id) FROM " + q + "sessions",
                "SELECT concat_ws(' ', n.node_id, p.node_id, n.seq, n.kind, n.state, k.node_id, n.payload_size) FROM "
                        + q + "nodes n LEFT JOIN " + q + "nodes p ON p.nid = n.parent_nid LEFT JOIN " + q
                        + "nodes k ON k.nid = n.ck_nid ORDER BY n.seq",
                "SELECT concat_ws(' ', u.revision, u.pos, u.node_id, n.node_id, u.model, u.input_tokens, u.output_tokens,"
                        + " u.cached_input_tokens, u.reasoning_tokens) FROM " + q + "usage u JOIN " + q
                        + "nodes n ON n.nid = u.nid ORDER BY u.revision, u.pos",
                "SELECT concat_ws(' ', model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens) FROM "
                        + q + "usage_totals ORDER BY model",
                "SELECT concat_ws(' ', key, revision, head_node_id, encode(fingerprint, 'hex'), encode(checkpoint, 'hex'))"
                        + " FROM " + q + "idempotency_keys ORDER BY key")) {
            try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
