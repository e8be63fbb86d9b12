package dev.cairn.persistence.example.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads streamed turns run on, at most {@code limit} turns at once. A streamed turn goes on
 * after its client went away (it is recorded all the same), so the request's permit, which ends
 * with the request, cannot bound these threads: a slot is taken before the stream opens and given
 * back when the turn itself ends. Without it a client that starts streamed turns and hangs up
 * could start turns (and threads) without end.
 */
final class TurnWorkers implements AutoCloseable {
    private final int limit;
    private final Semaphore slots;
    private final ExecutorService pool;

    /** @param limit streamed turns running at once, at least 1 */
    TurnWorkers(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
        this.slots = new Semaphore(limit);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "turn-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @return a slot for one turn; close it after the turn was started (then the turn gives it
     *     back when it ends) or when the turn never started
     * @throws ApiException 503 when {@code limit} streamed turns are running
     */
    Slot reserve() {
        if (!slots.tryAcquire()) {
            throw new ApiException(503, "overloaded", "The service is running as many streamed turns as it may ("
                    + limit + ", counting turns whose client went away); retry in a moment");
        }
        return new Slot();
    }

    /** @return streamed turns running now, their clients gone or not */
    int running() {
        return limit - slots.availablePermits();
    }

    /** Stops taking turns; turns still running get a moment to finish. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One reserved turn: runs it once on a worker, which gives the slot back when the turn ends. */
    final class Slot implements Executor, AutoCloseable {
        private boolean started;
        private boolean closed;

        private Slot() {
        }

        /**
         * @param turn the turn; only one per slot
         * @throws IllegalStateException for a second turn, or a slot already closed
         */
        @Override
        public void execute(Runnable turn) {
            if (started || closed) {
                throw new IllegalStateException("a slot runs one turn, and only before it is closed");
            }
            started = true;
            try {
                pool.execute(() -> {
                    try {
                        turn.run();
                    } finally {
                        slots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                started = false;
                throw new ApiException(503, "unavailable", "The service is stopping; retry in a moment");
            }
        }

        /** Gives the slot back if no turn was started on it. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (!started) {
                    slots.release();
                }
            }
        }
    }
}
