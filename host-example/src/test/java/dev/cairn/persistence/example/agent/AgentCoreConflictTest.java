package dev.cairn.persistence.example.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.example.agent.model.BuiltinModel;
import dev.cairn.persistence.example.agent.tools.BuiltinTools;
import dev.cairn.persistence.tck.ForwardingRuntimePersistence;
import dev.cairn.persistence.tck.ForwardingSessionStoreFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry path: another writer commits between a step's read and its commit, or a commit's
 * outcome is unknown. Every node must be recorded exactly once and no tool-state update lost.
 */
class AgentCoreConflictTest {
    private SessionStoreFactory factory;

    @BeforeEach
    void setUp() {
        factory = SessionStores.open("memory:");
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    /** Before a matching commit goes through, another writer adds a node and a note to the board. */
    private final class InterferingStore extends ForwardingRuntimePersistence {
        private final Predicate<RuntimeCommit> when;
        private final AtomicInteger foreign = new AtomicInteger();

        InterferingStore(RuntimePersistence delegate, Predicate<RuntimeCommit> when) {
            super(delegate);
            this.when = when;
        }

        @Override
        public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
            if (when.test(commit)) {
                otherWriter(sessionId(), "foreign-" + foreign.incrementAndGet());
            }
            return super.commitRuntimeState(commit);
        }
    }

    private void otherWriter(String sessionId, String nodeId) {
        try (RuntimePersistence other = factory.openExisting(sessionId).orElseThrow()) {
            PersistedSessionRead read = other.loadSession(SessionReadScope.activePathTail(1)).orElseThrow();
            ObjectNode state = Payloads.JSON.createObjectNode();
            read.checkpoint().slot("tool_state").ifPresent(slot -> {
                try {
                    state.setAll((ObjectNode) Payloads.JSON.readTree(other.loadBlob(slot.blob().hash()).orElseThrow()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            ObjectNode notes = state.withObjectProperty("notes");
            int id = notes.path("nextId").asInt(1);
            notes.put("nextId", id + 1);
            notes.withArrayProperty("items").addObject().put("id", id).put("text", nodeId);
            other.commitRuntimeState(RuntimeCommit.expecting(read.head().revision())
                    .append(NewNode.of(nodeId, read.head().nodeId(), NodeKind.of("note.external"),
                            Payloads.encode(Payloads.JSON.createObjectNode().put("by", "elsewhere"))))
                    .head(nodeId)
                    .checkpoint("tool_state", Payloads.encode(state))
                    .build());
        }
    }

    private AgentCore core(SessionStoreFactory f, int retries) {
        return AgentCore.builder().model(new BuiltinModel()).tools(BuiltinTools.all()).storeFactory(f)
                .maxCommitRetries(retries).build();
    }

    @Test
    void aTurnAnswersItsOwnInputWhenAnotherTurnStartsRightAfterIt() {
        // Another replica's turn records its user input right after this turn's: the model must
        // still answer this turn's question (a race that two replicas on one chat can hit).
        SessionStoreFactory f = new ForwardingSessionStoreFactory(factory, s -> new ForwardingRuntimePersistence(s) {
            @Override
            public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
                RuntimeCommitResult r = super.commitRuntimeState(commit);
                if (commit.idempotencyKey().orElse("").endsWith("-s0") && !commit.nodes().get(0).nodeId().startsWith("tOther")) {
                    super.commitRuntimeState(RuntimeCommit.expecting(r.revision())
                            .append(NewNode.of("tOther-u", r.head(), NodeKind.USER_INPUT,
                                    Payloads.encode(new Payloads.UserInput("tOther", "note theirs"))))
                            .head("tOther-u")
                            .build());
                }
                return r;
            }
        });
        try (AgentCore core = core(f, 3); AgentSession chat = core.session("neighbours").open()) {
            TurnResult r = chat.send("note mine");
            assertEquals(List.of("user_input", "assistant_response", "tool_call", "tool_result", "assistant_response"),
                    r.nodes().stream().map(TranscriptNode::kind).toList());
            List<String> notes = new ArrayList<>();
            chat.toolState().path("notes").path("items").forEach(n -> notes.add(n.path("text").asText()));
            assertEquals(List.of("mine"), notes, "the model answered this turn's input, not the neighbour's");
        }
    }

    @Test
    void aConflictAtEveryStepIsRetriedAndEveryNodeIsRecordedOnce() {
        Set<String> seenKeys = ConcurrentHashMap.newKeySet();
        // interfere with the first attempt of every step (a step is identified by its idempotency key)
        SessionStoreFactory f = new ForwardingSessionStoreFactory(factory, s -> new InterferingStore(s,
                c -> c.idempotencyKey().map(seenKeys::add).orElse(false)));
        try (AgentCore core = core(f, 3); AgentSession chat = core.session("race").open()) {
            TurnResult r = chat.send("note mine");

            // user, model, tool, model: four steps, each met one conflict
            assertEquals(4, r.conflictRetries());
            assertEquals(List.of("user_input", "assistant_response", "tool_call", "tool_result", "assistant_response"),
                    r.nodes().stream().map(TranscriptNode::kind).toList());
            List<String> full = ids(chat.read(SessionReadScope.fullGraph()));
            assertEquals(new HashSet<>(full).size(), full.size(), "no node twice: " + full);
            assertEquals(4 + 5, full.size(), "four foreign nodes and the turn's five: " + full);
            List<String> active = ids(chat.read(SessionReadScope.activePath()));
            assertEquals(full, active, "each retried step hangs under the other writer's node: nothing is off the path");
            r.nodes().forEach(n -> assertTrue(active.contains(n.nodeId())));
            // the tool ran again on the board the other writer had changed: no update is lost
            List<String> notes = new ArrayList<>();
            chat.toolState().path("notes").path("items").forEach(n -> notes.add(n.path("text").asText()));
            assertEquals(List.of("foreign-1", "foreign-2", "foreign-3", "mine", "foreign-4"), notes);
        }
    }

    @Test
    void replicasRacingOnOneChatLoseNothing() throws Exception {
        int perReplica = 4;
        try (AgentCore a = core(factory, 50); AgentCore b = core(factory, 50)) {
            try (AgentSession s = a.session("shared").open()) {
                s.send("hello");
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TurnResult>> futures = new ArrayList<>();
            for (int i = 0; i < perReplica * 2; i++) {
                AgentCore replica = i % 2 == 0 ? a : b;
                String note = "n" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    try (AgentSession s = replica.session("shared").open()) {
                        return s.send("note " + note);
                    }
                }));
            }
            start.countDown();
            List<TurnResult> results = new ArrayList<>();
            for (Future<TurnResult> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();
            try (AgentSession s = a.session("shared").open()) {
                List<String> full = ids(s.read(SessionReadScope.fullGraph()));
                List<String> active = ids(s.read(SessionReadScope.activePath()));
                assertEquals(new HashSet<>(full).size(), full.size(), "no node twice");
                int expected = 2 + results.stream().mapToInt(r -> r.nodes().size()).sum();
                assertEquals(expected, full.size(), "every node of every turn, once");
                assertEquals(full, active, "every turn is on the active path");
                Set<String> notes = new HashSet<>();
                s.toolState().path("notes").path("items").forEach(n -> notes.add(n.path("text").asText()));
                Set<String> want = new HashSet<>();
                for (int i = 0; i < perReplica * 2; i++) {
                    want.add("n" + i);
                }
                assertEquals(want, notes, "no tool-state update lost");
                for (TurnResult r : results) {
                    assertEquals(5, r.nodes().size());
                }
            }
        }
    }

    @Test
    void retriesAreBoundedAndAFailedStepWritesNothing() {
        SessionStoreFactory f = new ForwardingSessionStoreFactory(factory, s -> new InterferingStore(s, c -> true));
        try (AgentCore core = core(f, 2); AgentSession chat = core.session("hostile").open()) {
            assertThrows(TurnConflictException.class, () -> chat.send("note never"));
            List<String> full = ids(chat.read(SessionReadScope.fullGraph()));
            assertEquals(List.of("foreign-1", "foreign-2", "foreign-3"), full, "three attempts, none landed");
        }
    }

    @Test
    void aCommitWithAnUnknownOutcomeIsResentAndReplayedNotDuplicated() {
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger replays = new AtomicInteger();
        SessionStoreFactory f = new ForwardingSessionStoreFactory(factory, s -> new ForwardingRuntimePersistence(s) {
            @Override
            public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
                RuntimeCommitResult r = super.commitRuntimeState(commit);
                if (r.replayed()) {
                    replays.incrementAndGet();
                }
                if (commit.idempotencyKey().map(failedOnce::add).orElse(false)) {
                    throw new PersistenceException("connection reset after the commit was sent");
                }
                return r;
            }
        });
        try (AgentCore core = core(f, 3); AgentSession chat = core.session("flaky").open()) {
            TurnResult r = chat.send("what is 1+1");
            assertEquals("1+1 = 2.", r.reply());
            assertEquals(4, replays.get(), "each of the four steps was resent once and replayed");
            List<String> full = ids(chat.read(SessionReadScope.fullGraph()));
            assertEquals(5, full.size());
            assertEquals(4, chat.head().revision(), "replays do not raise the revision");
        }
    }

    private static List<String> ids(Transcript t) {
        return t.nodes().stream().map(TranscriptNode::nodeId).toList();
    }

}
