package dev.cairn.persistence.langgraph4j;

import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.state.StateSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LangGraph4j's own graph runner on the Cairn saver: a graph that stops before a human approval, is
 * resumed by a fresh saver after a restart on sqlite:, and a time-travel {@code updateState} whose
 * replaced checkpoint stays readable on its abandoned branch.
 */
class StateGraphTest {
    @TempDir
    Path dir;

    private static CompiledGraph<GraphState> graph(CairnCheckpointSaver saver, boolean release) throws Exception {
        StateGraph<GraphState> g = new StateGraph<>(GraphState.SCHEMA, GraphState.binary())
                .addNode("draft", node_async(s -> Map.of("steps", List.of("draft"))))
                .addNode("approve", node_async(s -> Map.of("steps", List.of("approve:" + s.value("approver").orElse("nobody")))))
                .addNode("send", node_async(s -> Map.of("steps", List.of("send"))))
                .addEdge(StateGraph.START, "draft").addEdge("draft", "approve").addEdge("approve", "send")
                .addEdge("send", StateGraph.END);
        return g.compile(CompileConfig.builder().checkpointSaver(saver).interruptBefore("approve").releaseThread(release).build());
    }

    private static CairnCheckpointSaver saver(SessionStoreFactory f) {
        return CairnCheckpointSaver.builder().factory(f).serializer(GraphState.binary()).build();
    }

    @Test
    void anInterruptedRunIsResumedByAFreshSaverAfterARestartAndTimeTravelKeepsTheOldBranch() throws Exception {
        String location = "sqlite:" + dir.resolve("cairn");
        RunnableConfig thread = RunnableConfig.builder().threadId("order-42").build();
        try (SessionStoreFactory f = SessionStores.open(location)) {
            CompiledGraph<GraphState> app = graph(saver(f), false);
            GraphState stopped = app.invoke(Map.of("steps", List.of("start")), thread).orElseThrow();
            assertEquals(List.of("start", "draft"), stopped.steps(), "stopped before approve");
        }
        try (SessionStoreFactory f = SessionStores.open(location)) {
            CairnCheckpointSaver fresh = saver(f);
            CompiledGraph<GraphState> app = graph(fresh, false);
            StateSnapshot<GraphState> paused = app.getState(thread);
            assertEquals("approve", paused.next());
            int before = fresh.list(thread).size();
            assertTrue(before >= 2, "one checkpoint per step, not one replaced in place: " + before);

            // time travel: change the paused checkpoint itself, as a human reviewer would
            RunnableConfig edited = app.updateState(paused.config(), Map.of("approver", "alice"));
            assertEquals(before, fresh.list(thread).size(), "replaced, not appended");
            GraphState done = app.invoke(GraphInput.resume(), edited).orElseThrow();
            assertEquals(List.of("start", "draft", "approve:alice", "send"), done.steps());

            try (var store = f.openExisting(CairnCheckpointSaver.cairnSessionId("order-42")).orElseThrow()) {
                List<SessionNode> all = store.loadSession(SessionReadScope.fullGraph()).orElseThrow().nodes();
                List<SessionNode> path = store.loadSession(SessionReadScope.activePath()).orElseThrow().nodes();
                assertTrue(all.size() > path.size(), "the checkpoint before the edit is on the abandoned branch");
                SessionNode old = all.stream().filter(n -> !path.contains(n)).findFirst().orElseThrow();
                var oldState = new CheckpointCodec(GraphState.binary()).decode(store, old).getState();
                assertTrue(!oldState.containsKey("approver"), "and reads as it was: " + oldState);
            }
        }
    }

    @Test
    void aReleasedThreadRunsAgainFromScratchAndItsRunStaysReadable() throws Exception {
        try (SessionStoreFactory f = SessionStores.open("memory:")) {
            CairnCheckpointSaver saver = saver(f);
            CompiledGraph<GraphState> app = graph(saver, true);
            RunnableConfig thread = RunnableConfig.builder().threadId("t").build();
            app.invoke(Map.of("steps", List.of("start")), thread);
            app.invoke(GraphInput.resume(), thread).orElseThrow();
            assertTrue(saver.list(thread).isEmpty(), "released at the end of the run");
            assertEquals(List.of(1), saver.releasedVersions("t"));
            GraphState last = GraphState.binary().stateOf(saver.released("t", 1).orElseThrow().checkpoints().iterator().next().getState());
            assertEquals(List.of("start", "draft", "approve:nobody", "send"), last.steps());
        }
    }
}
