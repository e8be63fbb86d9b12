package dev.cairn.persistence.langgraph4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StorePolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.serializer.StateSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What LangGraph4j's {@code AbstractCheckpointSaverTest} and {@code MemorySaver} promise of a saver,
 * in our words, plus what Cairn adds: a replaced checkpoint stays on an abandoned branch, released
 * threads stay readable by version, unchanged states are stored once. memory: and sqlite:, with the
 * binary and the JSON serializer.
 */
class CheckpointSaverContractTest {
    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Stores.kinds().flatMap(k -> Stream.of(Arguments.of(k, "binary"), Arguments.of(k, "json")));
    }

    static Stream<String> kinds() {
        return Stores.kinds();
    }

    private static StateSerializer<GraphState> serializer(String name) {
        return name.equals("json") ? GraphState.json() : GraphState.binary();
    }

    private static CairnCheckpointSaver saver(SessionStoreFactory f, String serializer) {
        return CairnCheckpointSaver.builder().factory(f).serializer(serializer(serializer)).build();
    }

    private static Checkpoint checkpoint(String id, String node, String next, Map<String, Object> state) {
        return Checkpoint.builder().id(id).nodeId(node).nextNodeId(next).state(state).build();
    }

    private static RunnableConfig thread(String id) {
        return RunnableConfig.builder().threadId(id).build();
    }

    private static List<String> ids(java.util.Collection<Checkpoint> cps) {
        return cps.stream().map(Checkpoint::getId).toList();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void checkpointsListNewestFirstAndGetFindsTheLatestOrTheNamedOne(String kind, String serializer) throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir); CairnCheckpointSaver s = saver(f, serializer)) {
            RunnableConfig t = thread("t1");
            RunnableConfig returned = s.put(t, checkpoint("c1", "a", "b", Map.of("n", 1)));
            assertEquals("c1", returned.checkPointId().orElseThrow());
            s.put(t, checkpoint("c2", "b", "c", Map.of("n", 2)));
            s.put(t, checkpoint("c3", "c", StateGraph.END, Map.of("n", 3, "text", "done")));
            assertEquals(List.of("c3", "c2", "c1"), ids(s.list(t)));
            Checkpoint latest = s.get(t).orElseThrow();
            assertEquals("c3", latest.getId());
            assertEquals(Map.of("n", 3, "text", "done"), latest.getState());
            assertEquals("c", latest.getNodeId());
            assertEquals(StateGraph.END, latest.getNextNodeId());
            Checkpoint second = s.get(RunnableConfig.builder(t).checkPointId("c2").build()).orElseThrow();
            assertEquals(Map.of("n", 2), second.getState());
            assertEquals("b", second.getNodeId());
            assertEquals("c", second.getNextNodeId());
            assertTrue(s.get(RunnableConfig.builder(t).checkPointId("nope").build()).isEmpty());
            assertTrue(s.list(thread("other")).isEmpty());
            assertTrue(s.get(thread("other")).isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theDefaultThreadWorksThoughItsIdIsNotACairnId(String kind) throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir); CairnCheckpointSaver s = saver(f, "binary")) {
            RunnableConfig none = RunnableConfig.builder().build();
            s.put(none, checkpoint("c1", "a", "b", Map.of("n", 1)));
            assertEquals(List.of("c1"), ids(s.list(thread(BaseCheckpointSaver.THREAD_ID_DEFAULT))));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void replacingACheckpointAppendsASiblingAndKeepsTheOldOneOnAnAbandonedBranch(String kind) throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir); CairnCheckpointSaver s = saver(f, "binary")) {
            RunnableConfig t = thread("t1");
            s.put(t, checkpoint("c1", "a", "b", Map.of("n", 1)));
            s.put(t, checkpoint("c2", "b", "c", Map.of("n", 2)));
            s.put(RunnableConfig.builder(t).checkPointId("c2").build(), checkpoint("c2", "b", "c", Map.of("n", 20)));
            assertEquals(List.of("c2", "c1"), ids(s.list(t)));
            assertEquals(Map.of("n", 20), s.get(t).orElseThrow().getState());
            s.put(t, checkpoint("c3", "c", StateGraph.END, Map.of("n", 3)));
            // time travel to the first: the later ones leave the active path (MemorySaver would keep them)
            s.put(RunnableConfig.builder(t).checkPointId("c1").build(), checkpoint("c1", "a", "x", Map.of("n", 10)));
            assertEquals(List.of("c1"), ids(s.list(t)));
            try (var store = f.openExisting(CairnCheckpointSaver.cairnSessionId("t1")).orElseThrow()) {
                List<SessionNode> all = store.loadSession(SessionReadScope.fullGraph()).orElseThrow().nodes();
                assertEquals(5, all.size(), "every checkpoint ever put is kept");
                SessionNode old = all.stream().filter(n -> CheckpointCodec.checkpointId(n).equals("c2")).findFirst().orElseThrow();
                assertEquals(Map.of("n", 2), new CheckpointCodec(GraphState.binary()).decode(store, old).getState(),
                        "the replaced state is still readable");
            }
            assertThrows(NoSuchElementException.class,
                    () -> s.put(RunnableConfig.builder(t).checkPointId("c3").build(), checkpoint("c3", "c", StateGraph.END, Map.of())),
                    "c3 is no longer on the active path");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aReleasedThreadStartsEmptyAndStaysReadableByVersion(String kind) throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir); CairnCheckpointSaver s = saver(f, "binary")) {
            RunnableConfig t = thread("t1");
            s.put(t, checkpoint("c1", "a", "b", Map.of("n", 1)));
            s.put(t, checkpoint("c2", "b", StateGraph.END, Map.of("n", 2)));
            BaseCheckpointSaver.Tag tag = s.release(t);
            assertEquals("t1", tag.threadId());
            assertEquals(List.of("c2", "c1"), ids(tag.checkpoints()));
            assertTrue(s.list(t).isEmpty(), "released: an empty history");
            assertTrue(s.get(t).isEmpty());
            s.put(t, checkpoint("d1", "a", StateGraph.END, Map.of("n", 9)));
            assertEquals(List.of("d1"), ids(s.release(t).checkpoints()));
            assertEquals(List.of(1, 2), s.releasedVersions("t1"));
            assertEquals(List.of("c2", "c1"), ids(s.released("t1", 1).orElseThrow().checkpoints()));
            assertEquals(Map.of("n", 2), s.released("t1", 1).orElseThrow().checkpoints().iterator().next().getState());
            assertEquals(List.of("d1"), ids(s.released("t1", 2).orElseThrow().checkpoints()));
            assertTrue(s.released("t1", 3).isEmpty());
            assertTrue(s.release(thread("never")).checkpoints().isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anUnchangedStateIsStoredOnce(String kind) throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir); CairnCheckpointSaver s = saver(f, "binary")) {
            RunnableConfig t = thread("t1");
            s.put(t, checkpoint("c1", "a", "b", Map.of("n", 1)));
            s.put(t, checkpoint("c2", "b", "c", Map.of("n", 1)));
            s.put(t, checkpoint("c3", "c", StateGraph.END, Map.of("n", 2)));
            try (var store = f.openExisting(CairnCheckpointSaver.cairnSessionId("t1")).orElseThrow()) {
                var read = store.loadSession(SessionReadScope.activePath()).orElseThrow();
                List<SessionNode> nodes = read.nodes();
                assertEquals(CheckpointCodec.stateHash(nodes.get(0)), CheckpointCodec.stateHash(nodes.get(1)));
                assertNotEquals(CheckpointCodec.stateHash(nodes.get(1)), CheckpointCodec.stateHash(nodes.get(2)));
                var slotAtC2 = store.loadSession(SessionReadScope.activePathTo(nodes.get(1).nodeId())).orElseThrow()
                        .checkpoint().slot(CairnCheckpointSaver.STATE_SLOT).orElseThrow();
                assertEquals(nodes.get(0).nodeId(), slotAtC2.nodeId(), "an unchanged state commits no slot: c1's resolves");
                var head = read.checkpoint().slot(CairnCheckpointSaver.STATE_SLOT).orElseThrow();
                assertEquals(nodes.get(2).nodeId(), head.nodeId(), "a changed state is committed with its checkpoint");
                assertEquals(CheckpointCodec.stateHash(nodes.get(2)).orElseThrow(), head.blob().hash(), "the head's state is the slot");
            }
            assertEquals(Map.of("n", 1), s.get(RunnableConfig.builder(t).checkPointId("c2").build()).orElseThrow().getState());
            assertEquals(List.of(Map.of("n", 2), Map.of("n", 1), Map.of("n", 1)), s.list(t).stream().map(Checkpoint::getState).toList());
            s.release(t);
            assertEquals(List.of(Map.of("n", 2), Map.of("n", 1), Map.of("n", 1)),
                    s.released("t1", 1).orElseThrow().checkpoints().stream().map(Checkpoint::getState).toList(),
                    "a released version reads unchanged states through the slots its fork carried");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aTimeTravelSiblingWithItsParentsStateCommitsNoSlotAndReadsBack(String kind) throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir); CairnCheckpointSaver s = saver(f, "binary")) {
            RunnableConfig t = thread("t1");
            s.put(t, checkpoint("c1", "a", "b", Map.of("n", 1)));
            s.put(t, checkpoint("c2", "b", "c", Map.of("n", 2)));
            s.put(RunnableConfig.builder(t).checkPointId("c2").build(), checkpoint("c2", "b", "c", Map.of("n", 1)));
            assertEquals(List.of(Map.of("n", 1), Map.of("n", 1)), s.list(t).stream().map(Checkpoint::getState).toList());
            try (var store = f.openExisting(CairnCheckpointSaver.cairnSessionId("t1")).orElseThrow()) {
                var read = store.loadSession(SessionReadScope.activePath()).orElseThrow();
                assertEquals(read.nodes().get(0).nodeId(), read.checkpoint().slot(CairnCheckpointSaver.STATE_SLOT).orElseThrow().nodeId());
            }
            CairnCheckpointSaver fresh = saver(f, "binary"); // no guess: it reads the head
            fresh.put(t, checkpoint("c3", "c", StateGraph.END, Map.of("n", 1)));
            fresh.put(t, checkpoint("c4", "c", StateGraph.END, Map.of("n", 4)));
            assertEquals(List.of(Map.of("n", 4), Map.of("n", 1), Map.of("n", 1), Map.of("n", 1)),
                    s.list(t).stream().map(Checkpoint::getState).toList());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void checkpointsWrittenWithTheStateAttachedStillReadAndAnUnchangedStateAfterThemIsNotWrittenAgain(String kind)
            throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir); CairnCheckpointSaver s = saver(f, "binary")) {
            RunnableConfig t = thread("t1");
            byte[] state = GraphState.binary().dataToBytes(Map.of("n", 1));
            String id = CairnCheckpointSaver.cairnSessionId("t1");
            try (var store = f.createStore(dev.cairn.persistence.SessionStoreCreateRequest.of(id).withAttributes(Map.of(
                    dev.cairn.persistence.adapter.ConversationWindows.ADAPTER_ATTRIBUTE, CairnCheckpointSaver.FRAMEWORK)))) {
                // the layout of the first release: state attached to the node and in the slot, no hash in the payload
                var commit = dev.cairn.persistence.RuntimeCommit.expecting(0);
                var ref = commit.attach(state, "application/octet-stream");
                store.commitRuntimeState(commit.append(new dev.cairn.persistence.NewNode("cp.old", java.util.Optional.empty(),
                                CheckpointCodec.KIND, "{\"id\":\"c1\",\"nodeId\":\"a\",\"nextNodeId\":\"b\"}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of(ref)))
                        .head("cp.old").checkpoint(CairnCheckpointSaver.STATE_SLOT, state).build());
            }
            assertEquals(Map.of("n", 1), s.get(t).orElseThrow().getState());
            s.put(t, checkpoint("c2", "b", StateGraph.END, Map.of("n", 1)));
            assertEquals(List.of(Map.of("n", 1), Map.of("n", 1)), s.list(t).stream().map(Checkpoint::getState).toList());
            try (var store = f.openExisting(id).orElseThrow()) {
                assertEquals("cp.old", store.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().checkpoint()
                        .slot(CairnCheckpointSaver.STATE_SLOT).orElseThrow().nodeId());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aFreshSaverOnTheSameStoreSeesEverything(String kind) throws Exception {
        String location = Stores.location(kind, dir);
        try (SessionStoreFactory f = dev.cairn.persistence.SessionStores.open(location)) {
            CairnCheckpointSaver first = saver(f, "binary");
            first.put(thread("t1"), checkpoint("c1", "a", "b", Map.of("n", 1)));
            CairnCheckpointSaver second = saver(f, "binary"); // building twice is harmless (langgraph4j #333)
            assertEquals(List.of("c1"), ids(second.list(thread("t1"))));
            second.put(thread("t1"), checkpoint("c2", "b", StateGraph.END, Map.of("n", 2)));
            assertEquals("c2", first.get(thread("t1")).orElseThrow().getId(), "no cache goes stale");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aSaverNeedsASerializerAndAStore(String kind) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CairnCheckpointSaver.builder().location("memory:").build());
        assertTrue(e.getMessage().contains("serializer"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> CairnCheckpointSaver.builder().serializer(GraphState.binary()).build());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aPutAfterAnotherSaverReleasedAndRestartedTheThreadLandsOnTheNewThread(String kind) throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir)) {
            CairnCheckpointSaver a = saver(f, "binary");
            CairnCheckpointSaver b = saver(f, "binary");
            RunnableConfig t = thread("t1");
            a.put(t, checkpoint("c1", "a", "b", Map.of("n", 1)));
            b.release(t);
            b.put(t, checkpoint("d1", "a", "b", Map.of("n", 2))); // the same revision as a's last write
            a.put(t, checkpoint("c2", "b", StateGraph.END, Map.of("n", 3)));
            assertEquals(List.of("c2", "d1"), ids(b.list(t)));
            b.put(t, checkpoint("d2", "b", StateGraph.END, Map.of("n", 4)));
            a.put(t, checkpoint("c3", "b", StateGraph.END, Map.of("n", 5)));
            assertEquals(List.of("c3", "d2", "c2", "d1"), ids(a.list(t)));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aTimeTravelPutAfterAnotherSaverReleasedAndRestartedTheThreadReadsTheNewThread(String kind) throws Exception {
        try (SessionStoreFactory f = Stores.open(kind, dir)) {
            CairnCheckpointSaver a = saver(f, "binary");
            CairnCheckpointSaver b = saver(f, "binary");
            RunnableConfig t = thread("t1");
            a.put(t, checkpoint("c1", "a", "b", Map.of("n", 1))); // a keeps the thread's handle
            b.release(t);
            b.put(t, checkpoint("d1", "a", "b", Map.of("n", 2)));
            a.put(RunnableConfig.builder(t).checkPointId("d1").build(), checkpoint("d1", "a", "b", Map.of("n", 3)));
            assertEquals(List.of(Map.of("n", 3)), b.list(t).stream().map(Checkpoint::getState).toList());
            a.close();
            assertEquals(List.of("d1"), ids(b.list(t)), "closing a saver closes its handles, not the store");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theSaversPolicyHoldsForThreadsItReopensAfterARestart(String kind) throws Exception {
        StorePolicy small = new StorePolicy(64 << 10, 4096);
        RunnableConfig t = thread("t1");
        Map<String, Object> big = Map.of("text", "x".repeat(8000));
        try (SessionStoreFactory f = Stores.open(kind, dir)) {
            try (CairnCheckpointSaver first = CairnCheckpointSaver.builder().factory(f).serializer(GraphState.binary()).policy(small).build()) {
                first.put(t, checkpoint("c1", "a", "b", Map.of("n", 1)));
            }
            try (CairnCheckpointSaver restarted = CairnCheckpointSaver.builder().factory(f).serializer(GraphState.binary()).policy(small).build()) {
                RuntimeException e = assertThrows(RuntimeException.class,
                        () -> restarted.put(t, checkpoint("c2", "b", "c", big)));
                assertTrue(String.valueOf(e.getMessage()).contains("4096"), String.valueOf(e.getMessage()));
                assertEquals(List.of("c1"), ids(restarted.list(t)), "nothing was written");
            }
            try (CairnCheckpointSaver roomy = saver(f, "binary")) {
                roomy.put(t, checkpoint("c2", "b", "c", big));
                assertEquals(List.of("c2", "c1"), ids(roomy.list(t)));
            }
        }
    }
}
