package dev.cairn.persistence.adk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.adk.sessions.Session;
import com.google.adk.sessions.SessionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two session services on one postgres: store, as two machines behind a load balancer would be:
 * each sees the other's events at once, a session object one of them read goes stale when the other
 * appends, and writers that redo a step after a stale failure lose no event.
 */
class TwoInstancesTest {
    private static Session get(CairnSessionService s, String id) {
        return s.getSession("app", "u1", id, Optional.empty()).blockingGet();
    }

    @Test
    void eachInstanceSeesTheOthersEventsAndAStaleObjectFails() {
        String location = Stores.postgres("adk");
        try (CairnSessionService a = CairnSessionService.open(location); CairnSessionService b = CairnSessionService.open(location)) {
            a.createSession("app", "u1", Map.of(), "s1").blockingGet();
            Session onB = get(b, "s1");
            Session onA = get(a, "s1");
            a.appendEvent(onA, Events.model("from a", Map.of("user:seen", "a"))).blockingGet();
            assertThrows(SessionException.class, () -> b.appendEvent(onB, Events.model("from b", Map.of())).blockingGet());
            Session fresh = get(b, "s1");
            assertEquals(1, fresh.events().size());
            assertEquals("a", fresh.state().get("user:seen"));
            b.appendEvent(fresh, Events.model("from b", Map.of())).blockingGet();
            assertEquals(2, get(a, "s1").events().size());
            assertEquals("a", b.createSession("app", "u1", Map.of(), "s2").blockingGet().state().get("user:seen"));
        }
    }

    @Test
    void concurrentWritersThatRedoStaleStepsLoseNoEvent() throws Exception {
        String location = Stores.postgres("adk");
        int perWriter = 8;
        try (CairnSessionService a = CairnSessionService.open(location); CairnSessionService b = CairnSessionService.open(location)) {
            a.createSession("app", "u1", Map.of(), "s1").blockingGet();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Integer>> writers = new ArrayList<>();
                for (CairnSessionService s : List.of(a, b)) {
                    writers.add(pool.submit(() -> {
                        int stale = 0;
                        for (int i = 0; i < perWriter; i++) {
                            while (true) {
                                try {
                                    s.appendEvent(get(s, "s1"), Events.user("m" + i)).blockingGet();
                                    break;
                                } catch (SessionException e) {
                                    stale++;
                                }
                            }
                        }
                        return stale;
                    }));
                }
                for (Future<Integer> w : writers) {
                    w.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(2 * perWriter, get(b, "s1").events().size());
        }
    }
}
