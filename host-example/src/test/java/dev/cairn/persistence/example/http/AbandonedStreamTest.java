package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.example.agent.Payloads;
import dev.cairn.persistence.example.agent.TranscriptNode;
import dev.cairn.persistence.example.agent.TurnListener;
import dev.cairn.persistence.example.agent.TurnResult;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A client that starts a streamed turn and hangs up leaves the turn running (it is recorded all the
 * same), but such turns are bounded: once the limit's worth of them run, the next streamed turn is
 * refused with 503 before its stream opens, and the slots come back when the turns end. The
 * client here is an output stream whose every write fails, as a socket does once the peer is gone;
 * the turns wait on a latch, as a turn does on a slow model.
 */
class AbandonedStreamTest {
    private static final int LIMIT = 3;

    private static final OutputStream GONE = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("the client went away");
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("the client went away");
        }
    };

    @Test
    void turnsWhoseClientsHungUpStillCountAgainstTheLimit() throws InterruptedException {
        CountDownLatch model = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(LIMIT);
        AtomicInteger started = new AtomicInteger();
        Function<TurnListener, TurnResult> slowTurn = listener -> {
            started.incrementAndGet();
            listener.onNode(new TranscriptNode("u" + started.get(), Optional.empty(), "user_input", 1, Instant.EPOCH,
                    Payloads.JSON.createObjectNode().put("text", "hi")));
            try {
                model.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ended.countDown();
            throw new IllegalStateException("the scripted turn ends here");
        };
        try (TurnWorkers workers = new TurnWorkers(LIMIT)) {
            try {
                check(workers, slowTurn, model, ended, started);
            } finally {
                model.countDown(); // before the workers close, so a failure does not wait for them
            }
        }
    }

    private static void check(TurnWorkers workers, Function<TurnListener, TurnResult> slowTurn, CountDownLatch model,
                              CountDownLatch ended, AtomicInteger started) throws InterruptedException {
        for (int i = 0; i < LIMIT; i++) {
            try (TurnWorkers.Slot slot = workers.reserve()) {
                // returns as soon as the first write fails: the client is gone, the turn goes on
                TurnStream.run(new SseStream(GONE, Bodies.STRICT), slot, slowTurn, "c" + i);
            }
        }
        assertEquals(LIMIT, workers.running(), "the hung-up streams' turns are still running");
        ApiException refused = assertThrows(ApiException.class, workers::reserve);
        assertEquals(503, refused.status());
        assertEquals("overloaded", refused.code());
        assertTrue(refused.getMessage().contains(String.valueOf(LIMIT)), refused.getMessage());

        model.countDown();
        assertTrue(ended.await(60, TimeUnit.SECONDS), "the turns end once the model answers");
        for (int i = 0; i < 1200 && workers.running() > 0; i++) {
            Thread.sleep(50); // the worker gives its slot back right after the turn returns
        }
        assertEquals(0, workers.running(), "every slot is back");
        try (TurnWorkers.Slot slot = workers.reserve()) {
            assertEquals(1, workers.running());
        }
        assertEquals(0, workers.running(), "a slot closed without a turn is given back at once");
        assertEquals(LIMIT, started.get(), "no turn started beyond the limit");
    }
}
