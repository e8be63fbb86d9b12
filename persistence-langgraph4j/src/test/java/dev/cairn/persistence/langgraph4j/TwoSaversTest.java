package dev.cairn.persistence.langgraph4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.junit.jupiter.api.Test;

/**
 * Two savers on one postgres: store, as two instances of a service would be (the per-instance
 * cache class of langgraph4j #348 and #360): each sees the other's checkpoints at once, and puts
 * racing on one thread all land.
 */
class TwoSaversTest {
    /** Enough tries that a put cannot run out of them while the other saver makes all its puts. */
    private static CairnCheckpointSaver saver(String location) {
        return CairnCheckpointSaver.builder().location(location).serializer(GraphState.binary()).maxTries(100).build();
    }

    private static Checkpoint checkpoint(String id, int n) {
        return Checkpoint.builder().id(id).nodeId("a").nextNodeId(StateGraph.END).state(Map.of("n", n)).build();
    }

    @Test
    void eachSaverSeesTheOthersCheckpointsAtOnce() throws Exception {
        String location = Stores.postgres("lg4j");
        RunnableConfig t = RunnableConfig.builder().threadId("t1").build();
        try (CairnCheckpointSaver a = saver(location); CairnCheckpointSaver b = saver(location)) {
            a.put(t, checkpoint("c1", 1));
            assertEquals("c1", b.get(t).orElseThrow().getId());
            b.put(t, checkpoint("c2", 2));
            assertEquals(List.of("c2", "c1"), a.list(t).stream().map(Checkpoint::getId).toList());
            a.put(RunnableConfig.builder(t).checkPointId("c2").build(), checkpoint("c2", 20));
            assertEquals(Map.of("n", 20), b.get(t).orElseThrow().getState());
            b.release(t);
            assertEquals(List.of(1), a.releasedVersions("t1"));
            assertEquals(0, a.list(t).size());
        }
    }

    @Test
    void racingPutsOnOneThreadAllLand() throws Exception {
        String location = Stores.postgres("lg4j");
        RunnableConfig t = RunnableConfig.builder().threadId("t1").build();
        int perSaver = 10;
        try (CairnCheckpointSaver a = saver(location); CairnCheckpointSaver b = saver(location)) {
            a.put(t, checkpoint("start", 0));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (CairnCheckpointSaver s : List.of(a, b)) {
                    String name = s == a ? "a" : "b";
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < perSaver; i++) {
                            s.put(t, checkpoint(name + i, i));
                        }
                        return null;
                    }));
                }
                for (Future<?> w : writers) {
                    w.get();
                }
            } finally {
                pool.shutdownNow();
            }
            List<String> ids = b.list(t).stream().map(Checkpoint::getId).toList();
            assertEquals(1 + 2 * perSaver, ids.size());
            assertEquals(1 + 2 * perSaver, new HashSet<>(ids).size());
        }
    }
}
