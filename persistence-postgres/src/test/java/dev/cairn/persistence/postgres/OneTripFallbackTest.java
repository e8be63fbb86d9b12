package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RevisionConflictException;
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
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A commit that the one-round-trip path ({@code OneTripCommit}) cannot apply falls back to the shared
 * rules ({@code CommitApply}): each anomaly below gives the exception and message of those rules, and
 * the database holds afterwards exactly what it held before (every table's rows, the session row).
 */
class OneTripFallbackTest {
    private static final byte[] BYTES = "attached bytes".getBytes();

    @Test
    void anAnomalyGivesTheRulesExceptionAndWritesNothing() throws Exception {
        String location = Pg.freshLocation("fallback", "");
        String schema = Pg.schemaOf(location);
        try (PostgresSessionStoreFactory factory = Pg.open(location)) {
            RuntimePersistence s = factory.createStore(SessionStoreCreateRequest.of("s"));
            RuntimeCommit.Builder first = RuntimeCommit.expecting(0);
            BlobRef ref = first.attach(BYTES, "text/plain");
            first.append(NewNode.root("a", NodeKind.USER_INPUT, new byte[] {1}, ref))
                    .append(NewNode.child("b", "a", NodeKind.USER_INPUT, new byte[] {2}))
                    .append(NewNode.child("gone", "a", NodeKind.USER_INPUT, new byte[] {3}))
                    .head("b").usage("b", "m", new TokenUsage(Long.MAX_VALUE - 1, 0, 0, 0)).idempotencyKey("k1");
            RuntimeCommitResult r1 = s.commitRuntimeState(first.build());
            assertEquals(1, s.tombstoneNodes(List.of("gone")));
            long rev = r1.revision();
            String q = Ids.quote("s");

            expect(schema, RevisionConflictException.class, new RevisionConflictException("s", 0, rev).getMessage(),
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(0).append(leaf("c", "b")).build()));
            expect(schema, InvalidRequestException.class, "Parent " + Ids.quote("nope") + " of node " + Ids.quote("d")
                    + " is not a node of session " + q + ": a parent is a live node, stored earlier or appended"
                    + " earlier in the same commit",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b"))
                            .append(leaf("c2", "c")).append(leaf("d", "nope")).build()));
            expect(schema, InvalidRequestException.class, "Parent " + Ids.quote("gone") + " of node " + Ids.quote("c")
                    + " is tombstoned: a parent must be a live node of the session",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "gone")).build()));
            expect(schema, InvalidRequestException.class, "Node id " + Ids.quote("b") + " is already used in session "
                    + q + " by a live node: node ids are unique within a session, detached ones included until vacuum",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b"))
                            .append(leaf("b", "c")).build()));
            BlobRef wrongSize = new BlobRef(ref.hash(), ref.size() + 1, "text/plain");
            expect(schema, InvalidRequestException.class, "Blob " + ref.hash() + " of the attachment of node "
                    + Ids.quote("c") + " is " + ref.size() + " bytes, but the reference says " + (ref.size() + 1)
                    + ": use the BlobRef that attach() returned",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev)
                            .append(NewNode.child("c", "b", NodeKind.USER_INPUT, new byte[] {4}, wrongSize)).build()));
            BlobRef unknown = new BlobRef(ContentHash.of("never stored".getBytes()), 12, "text/plain");
            expect(schema, InvalidRequestException.class, "Blob " + unknown.hash() + " of the attachment of node "
                    + Ids.quote("c") + " is neither carried by the commit nor referenced by session " + q
                    + ": attach its bytes in the commit (a commit may name without its bytes only a blob its"
                    + " session references already)",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev)
                            .append(NewNode.child("c", "b", NodeKind.USER_INPUT, new byte[] {4}, unknown)).build()));
            expect(schema, InvalidRequestException.class, unknownUsage("x"),
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b"))
                            .usage("c", "m", new TokenUsage(1, 1, 0, 0)).usage("x", "m", new TokenUsage(1, 1, 0, 0))
                            .build()));
            // The same anomalies in a commit of several nodes, whose usage rows the node insert writes.
            for (String nodeId : List.of("x", "gone")) {
                expect(schema, InvalidRequestException.class, unknownUsage(nodeId),
                        () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b"))
                                .append(leaf("c2", "c")).usage("c2", "m", new TokenUsage(1, 1, 0, 0))
                                .usage(nodeId, "m", new TokenUsage(1, 1, 0, 0)).build()));
            }
            expect(schema, InvalidRequestException.class, "Usage of node " + Ids.quote("c2")
                    + " would overflow the session's token totals (over " + Long.MAX_VALUE + ")",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b")).append(leaf("c2", "c"))
                            .usage("c", "m", new TokenUsage(1, 0, 0, 0)).usage("c2", "m", new TokenUsage(1, 0, 0, 0))
                            .build()));
            expect(schema, InvalidRequestException.class, "Usage of node " + Ids.quote("c")
                    + " would overflow the session's token totals (over " + Long.MAX_VALUE + ")",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b")).append(leaf("c2", "c"))
                            .usage("c", "m2", new TokenUsage(Long.MAX_VALUE, 0, 0, 0))
                            .usage("c2", "m2", new TokenUsage(Long.MAX_VALUE, 0, 0, 0)).build()));
            expect(schema, InvalidRequestException.class, "Head " + Ids.quote("gone") + " is not a live node of session "
                    + q + ": the head must be a live node, stored or appended in the commit",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b")).head("gone").build()));
            expect(schema, InvalidRequestException.class, "Usage of node " + Ids.quote("c")
                    + " would overflow the session's token totals (over " + Long.MAX_VALUE + ")",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b"))
                            .usage("c", "m", new TokenUsage(2, 0, 0, 0)).build()));
            expect(schema, IdempotencyConflictException.class,
                    new IdempotencyConflictException("s", "k1").getMessage(),
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b"))
                            .idempotencyKey("k1").build()));

            // Commits with a checkpoint slot go in the one round trip too (issue 17): their anomalies as well.
            expect(schema, InvalidRequestException.class, "Node id " + Ids.quote("b") + " is already used in session "
                    + q + " by a live node: node ids are unique within a session, detached ones included until vacuum",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b"))
                            .append(leaf("b", "c")).head("b").checkpoint("state", new byte[] {9}).build()));
            expect(schema, InvalidRequestException.class, "Usage of node " + Ids.quote("c")
                    + " would overflow the session's token totals (over " + Long.MAX_VALUE + ")",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b")).head("c")
                            .checkpoint("state", new byte[] {9}).usage("c", "m", new TokenUsage(2, 0, 0, 0)).build()));
            expect(schema, RevisionConflictException.class, new RevisionConflictException("s", 0, rev).getMessage(),
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(0).append(leaf("c", "b")).head("c")
                            .checkpoint("state", new byte[] {9}).build()));

            // A replay is no anomaly to the caller: the first result again, nothing written.
            List<Long> before = snapshot(schema);
            RuntimeCommitResult replay = s.commitRuntimeState(first.build());
            assertTrue(replay.replayed());
            assertEquals(r1.revision(), replay.revision());
            assertEquals(before, snapshot(schema));

            // A replay of a one-node turn is answered by the one-round-trip attempt itself: the same result.
            RuntimeCommit turn = RuntimeCommit.expecting(rev).append(leaf("t", "b")).head("t")
                    .usage("t", "m2", new TokenUsage(1, 1, 0, 0)).idempotencyKey("k2").build();
            RuntimeCommitResult r2 = s.commitRuntimeState(turn);
            List<Long> afterTurn = snapshot(schema);
            RuntimeCommitResult replay2 = s.commitRuntimeState(turn);
            assertTrue(replay2.replayed());
            assertEquals(List.of(r2.revision(), r2.head(), r2.committedAt(), r2.checkpoint()),
                    List.of(replay2.revision(), replay2.head(), replay2.committedAt(), replay2.checkpoint()));
            assertEquals(afterTurn, snapshot(schema));
            long rev2 = r2.revision();

            // And after all that, the common case still commits.
            RuntimeCommitResult ok = s.commitRuntimeState(RuntimeCommit.expecting(rev2).append(leaf("c", "b"))
                    .head("c").build());
            assertEquals(rev2 + 1, ok.revision());
        }
    }

    /** A turn goes as one function call (OneCallCommit): each anomaly it raises takes the slow path. */
    @Test
    void aTurnOfOneCallFallsBackAtEachAnomalyAndWritesNothing() throws Exception {
        String location = Pg.freshLocation("onecall", "");
        String schema = Pg.schemaOf(location);
        try (PostgresSessionStoreFactory factory = Pg.open(location)) {
            RuntimePersistence s = factory.createStore(SessionStoreCreateRequest.of("s"));
            long rev = s.commitRuntimeState(RuntimeCommit.expecting(0).append(NewNode.root("a", NodeKind.USER_INPUT,
                    new byte[] {1})).append(leaf("b", "a")).append(leaf("gone", "a")).head("b")
                    .checkpoint("state", new byte[] {7}).build()).revision();
            assertEquals(1, s.tombstoneNodes(List.of("gone")));
            String q = Ids.quote("s");
            TokenUsage one = new TokenUsage(1, 1, 0, 0);
            expect(schema, RevisionConflictException.class, new RevisionConflictException("s", 0, rev).getMessage(),
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(0).append(leaf("c", "b")).head("c").build()));
            expect(schema, InvalidRequestException.class, "Parent " + Ids.quote("nope") + " of node " + Ids.quote("c")
                    + " is not a node of session " + q + ": a parent is a live node, stored earlier or appended"
                    + " earlier in the same commit",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "nope")).build()));
            expect(schema, InvalidRequestException.class, "Node id " + Ids.quote("b") + " is already used in session "
                    + q + " by a live node: node ids are unique within a session, detached ones included until vacuum",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("b", "a")).head("b").build()));
            for (String nodeId : List.of("x", "gone")) {
                expect(schema, InvalidRequestException.class, unknownUsage(nodeId),
                        () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b")).head("c")
                                .usage("c", "m", one).usage(nodeId, "m", one).build()));
                expect(schema, InvalidRequestException.class, unknownUsage(nodeId),
                        () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).usage(nodeId, "m", one).build()));
            }
            expect(schema, InvalidRequestException.class, "Head " + Ids.quote("gone") + " is not a live node of session "
                    + q + ": the head must be a live node, stored or appended in the commit",
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev).head("gone").build()));
            RuntimeCommit keyed = RuntimeCommit.expecting(rev).append(leaf("c", "b")).head("c").usage("c", "m", one)
                    .idempotencyKey("k").build();
            RuntimeCommitResult first = s.commitRuntimeState(keyed);
            assertEquals(rev + 1, first.revision());
            assertEquals("b", first.checkpoint().slot("state").orElseThrow().nodeId(), "the head inherits b's slot");
            expect(schema, IdempotencyConflictException.class, new IdempotencyConflictException("s", "k").getMessage(),
                    () -> s.commitRuntimeState(RuntimeCommit.expecting(rev + 1).append(leaf("d", "c")).head("d")
                            .idempotencyKey("k").build()));
            List<Long> before = snapshot(schema);
            RuntimeCommitResult replay = s.commitRuntimeState(keyed);
            assertTrue(replay.replayed());
            assertEquals(List.of(first.revision(), first.head(), first.committedAt(), first.checkpoint()),
                    List.of(replay.revision(), replay.head(), replay.committedAt(), replay.checkpoint()));
            assertEquals(before, snapshot(schema));
            RuntimeCommitResult unconditional = s.commitRuntimeState(RuntimeCommit.unconditional().append(leaf("d", "c"))
                    .head("d").usage("d", "m", one).build());
            assertEquals(rev + 2, unconditional.revision());
            assertEquals(Optional.of("d"), unconditional.head());
            assertEquals(first.checkpoint(), unconditional.checkpoint());
        }
    }

    @Test
    void aCommitOfSeveralNodesWritesTheUsageOfItsOwnAndOfStoredNodes() throws Exception {
        String location = Pg.freshLocation("bulkusage", "");
        String schema = Pg.schemaOf(location);
        try (PostgresSessionStoreFactory factory = Pg.open(location)) {
            RuntimePersistence s = factory.createStore(SessionStoreCreateRequest.of("s"));
            long rev = s.commitRuntimeState(RuntimeCommit.expecting(0).append(NewNode.root("a", NodeKind.USER_INPUT,
                    new byte[] {1})).append(leaf("b", "a")).usage("b", "m1", new TokenUsage(1, 2, 3, 4))
                    .usage("a", "m2", new TokenUsage(10, 0, 0, 0)).build()).revision();
            s.commitRuntimeState(RuntimeCommit.expecting(rev).append(leaf("c", "b")).append(leaf("d", "c"))
                    .append(leaf("e", "b")).usage("d", "m2", new TokenUsage(7, 0, 0, 1))
                    .usage("b", "m1", new TokenUsage(5, 0, 0, 0)).usage("c", "m1", new TokenUsage(3, 1, 0, 0))
                    .usage("d", "m1", new TokenUsage(0, 0, 2, 0)).head("e").build());
            assertEquals(List.of("1 0 b b m1 1 2 3 4", "1 1 a a m2 10 0 0 0", "2 0 d d m2 7 0 0 1", "2 1 b b m1 5 0 0 0",
                    "2 2 c c m1 3 1 0 0", "2 3 d d m1 0 0 2 0"), lines(schema, "SELECT concat_ws(' ', u.revision, u.pos,"
                    + " u.node_id, n.node_id, u.model, u.input_tokens, u.output_tokens, u.cached_input_tokens,"
                    + " u.reasoning_tokens) FROM " + schema + ".usage u JOIN " + schema + ".nodes n ON n.nid = u.nid"
                    + " AND n.sid = u.sid ORDER BY u.revision, u.pos"));
            assertEquals(List.of(" 26 3 5 5", "m1 9 3 5 4", "m2 17 0 0 1"), lines(schema, "SELECT concat_ws(' ', model,"
                    + " input_tokens, output_tokens, cached_input_tokens, reasoning_tokens) FROM " + schema
                    + ".usage_totals ORDER BY model"));
        }
    }

    private static List<String> lines(String schema, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String unknownUsage(String nodeId) {
        return "Usage record names node " + Ids.quote(nodeId) + ", which is not a live node of session "
                + Ids.quote("s") + ": usage belongs to a live node, stored or appended in the commit";
    }

    private static NewNode leaf(String id, String parent) {
        return NewNode.child(id, parent, NodeKind.USER_INPUT, id.getBytes());
    }

    private static void expect(String schema, Class<? extends PersistenceException> type, String message,
                               Supplier<RuntimeCommitResult> commit) throws SQLException {
        List<Long> before = snapshot(schema);
        PersistenceException e = assertThrows(type, commit::get);
        assertEquals(message, e.getMessage());
        assertEquals(before, snapshot(schema), "the failed commit wrote something: " + message);
    }

    /** Rows of every table, the identity of the node rows aside, and the session row's counters. */
    private static List<Long> snapshot(String schema) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement st = c.createStatement()) {
            for (String table : Schema.TABLES) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
                    rs.next();
                    out.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT revision, last_seq, length(head_node_id),"
                    + " (SELECT max(input_tokens) FROM " + schema + ".usage_totals) FROM " + schema + ".sessions")) {
                while (rs.next()) {
                    for (int i = 1; i <= 4; i++) {
                        out.add(rs.getLong(i));
                    }
                }
            }
        }
        return out;
    }
}
