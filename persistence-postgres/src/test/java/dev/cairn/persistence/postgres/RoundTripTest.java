package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * Counts the round trips to the server each operation costs, through a relay on the wire
 * ({@link RoundTripProxy}), so a change that adds statements to a commit or a read shows here and
 * cannot creep in unnoticed. The ceilings are the figures of issue 16.
 */
class RoundTripTest {
    private static final int REPEATS = 20;
    /**
     * Most round trips each operation may take: the mean over {@value #REPEATS} runs may exceed it by
     * {@value #SLACK} (the pool checks a connection that sat idle for 500 ms with one more, which a
     * loaded machine can cause now and then).
     */
    private static final Map<String, Long> CEILINGS = Map.ofEntries(
            // the statements in one round trip (OneTripCommit), then COMMIT
            Map.entry("commit: one node", 2L),
            Map.entry("commit: a turn without a slot (node, head, usage, key)", 2L),
            Map.entry("commit: a node with an attachment", 2L),
            // the statements in one round trip, which find the key used, then their rollback
            Map.entry("commit: a replay of a turn without a slot", 2L),
            // a small checkpoint slot at the appended head goes in the same round trip (OneTripSlots, issue 17)
            Map.entry("commit: a turn (node, head, slot, usage, key)", 2L),
            Map.entry("commit: 1,000 nodes, each with usage", 2L),
            // the statements and the end of the transaction in one round trip (OneTripRead)
            Map.entry("read: activePathTail(50)", 1L),
            Map.entry("read: activePath", 1L),
            Map.entry("read: fullGraph", 1L));
    /**
     * Most statements (Execute or Query messages, {@code BEGIN} and {@code COMMIT} included) each
     * operation may send, the figures of issue 16's third pass: a turn without a slot is one function
     * call ({@code OneCallCommit}) between {@code BEGIN} and {@code COMMIT}, where the batch sent seven
     * (the other commits still go as {@code OneTripCommit}'s batch). Reads are not bounded here.
     */
    private static final Map<String, Long> STATEMENTS = Map.ofEntries(
            Map.entry("commit: one node", 3L),
            Map.entry("commit: a turn without a slot (node, head, usage, key)", 3L),
            Map.entry("commit: a replay of a turn without a slot", 3L),
            Map.entry("commit: a node with an attachment", 9L),
            Map.entry("commit: a turn (node, head, slot, usage, key)", 15L),
            Map.entry("commit: 1,000 nodes, each with usage", 7L));
    private static final double SLACK = 0.5;

    @Test
    void eachOperationTakesNoMoreRoundTripsThanItsCeiling() throws Exception {
        PostgresTestServer server = PostgresTestServer.get();
        try (RoundTripProxy proxy = new RoundTripProxy(server.host(), server.port())) {
            String schema = server.freshSchema("trips");
            String location = server.location(server.database(), "schema=" + schema + "&readers=1&writers=1")
                    .replace(":" + server.port() + "/", ":" + proxy.port() + "/");
            try (PostgresSessionStoreFactory factory = Pg.open(location)) {
                RuntimePersistence store = factory.createStore(SessionStoreCreateRequest.of("s"));
                long[] revision = {0};
                int[] next = {0};
                LongConsumer plain = i -> commit(store, revision, RuntimeCommit.expecting(revision[0])
                        .append(node(store, next)));
                for (int i = 0; i < 5; i++) {
                    plain.accept(i);
                }
                Map<String, Cost> trips = new LinkedHashMap<>();
                trips.put("commit: one node", measure(proxy, REPEATS, plain));
                trips.put("commit: a turn (node, head, slot, usage, key)", measure(proxy, REPEATS, i -> {
                    NewNode n = node(store, next);
                    commit(store, revision, RuntimeCommit.expecting(revision[0]).append(n).head(n.nodeId())
                            .checkpoint("state", ("state " + i).getBytes())
                            .usage(n.nodeId(), "model-a", new TokenUsage(100, 20, 0, 0))
                            .idempotencyKey("turn-" + i));
                }));
                List<RuntimeCommit> turns = new ArrayList<>();
                trips.put("commit: a turn without a slot (node, head, usage, key)", measure(proxy, REPEATS, i -> {
                    NewNode n = node(store, next);
                    RuntimeCommit turn = RuntimeCommit.expecting(revision[0]).append(n).head(n.nodeId())
                            .usage(n.nodeId(), "model-a", new TokenUsage(100, 20, 0, 0))
                            .idempotencyKey("plain-turn-" + i).build();
                    turns.add(turn);
                    revision[0] = store.commitRuntimeState(turn).revision();
                }));
                trips.put("commit: a replay of a turn without a slot", measure(proxy, REPEATS,
                        i -> assertTrue(store.commitRuntimeState(turns.get((int) i)).replayed())));
                trips.put("commit: a node with an attachment", measure(proxy, REPEATS, i -> {
                    RuntimeCommit.Builder b = RuntimeCommit.expecting(revision[0]);
                    NewNode n = node(store, next, b.attach(("attachment " + i).getBytes(), "text/plain"));
                    commit(store, revision, b.append(n));
                }));
                trips.put("commit: 1,000 nodes, each with usage", measure(proxy, 1, i -> {
                    RuntimeCommit.Builder b = RuntimeCommit.expecting(revision[0]);
                    for (int k = 0; k < 1000; k++) {
                        NewNode n = node(store, next);
                        b.append(n).usage(n.nodeId(), "model-a", new TokenUsage(100, 20, 0, 0));
                    }
                    commit(store, revision, b);
                }));
                trips.put("read: activePathTail(50)", measure(proxy, REPEATS,
                        i -> store.loadSession(SessionReadScope.activePathTail(50)).orElseThrow()));
                trips.put("read: activePath", measure(proxy, REPEATS,
                        i -> store.loadSession(SessionReadScope.activePath()).orElseThrow()));
                trips.put("read: fullGraph", measure(proxy, REPEATS,
                        i -> store.loadSession(SessionReadScope.fullGraph()).orElseThrow()));
                StringBuilder report = new StringBuilder("round trips and statements per operation (postgres, through a relay):");
                trips.forEach((op, n) -> report.append(String.format("%n  %-56s %8.1f %8.1f", op, n.trips(), n.statements())));
                System.out.println(report);
                trips.forEach((op, n) -> assertTrue(n.trips() <= CEILINGS.get(op) + (op.contains("1,000") ? 1 : SLACK),
                        op + " took " + n.trips() + " round trips, more than its ceiling " + CEILINGS.get(op) + "\n" + report));
                STATEMENTS.forEach((op, most) -> assertTrue(trips.get(op).statements() > 0
                        && trips.get(op).statements() <= most + SLACK,
                        op + " sent " + trips.get(op).statements() + " statements, more than its ceiling " + most + "\n" + report));
            }
        }
    }

    /** Parent = the previous node, so every commit extends one path. */
    private static NewNode node(RuntimePersistence store, int[] next, BlobRef... attachments) {
        int id = next[0]++;
        byte[] payload = ("payload of node " + id).getBytes();
        return id == 0 ? NewNode.root("n0", NodeKind.USER_INPUT, payload, attachments)
                : NewNode.child("n" + id, "n" + (id - 1), NodeKind.USER_INPUT, payload, attachments);
    }

    private static void commit(RuntimePersistence store, long[] revision, RuntimeCommit.Builder commit) {
        revision[0] = store.commitRuntimeState(commit.build()).revision();
    }

    private static Cost measure(RoundTripProxy proxy, int repeats, LongConsumer operation) {
        long before = proxy.roundTrips();
        long sent = proxy.statements();
        for (int i = 0; i < repeats; i++) {
            operation.accept(i);
        }
        return new Cost((proxy.roundTrips() - before) / (double) repeats, (proxy.statements() - sent) / (double) repeats);
    }

    /** The mean round trips and statements (Execute and Query messages) of one operation. */
    private record Cost(double trips, double statements) {
    }
}
