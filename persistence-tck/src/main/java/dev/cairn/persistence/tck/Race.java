package dev.cairn.persistence.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs tasks on their own threads, released together by a barrier, and collects what each returned
 * or threw.
 */
final class Race {
    /**
     * What one task did.
     *
     * @param value what it returned, or null
     * @param error what it threw, or null
     */
    record Outcome<T>(T value, Throwable error) {
        boolean ok() {
            return error == null;
        }
    }

    private Race() {
    }

    /**
     * @param tasks the tasks, prepared so that each does only the racing call after the barrier
     * @param timeoutSeconds how long the whole race may take
     * @return one outcome per task, in order
     * @throws TimeoutException if a task did not finish in time (a deadlock or lost wake-up)
     */
    static <T> List<Outcome<T>> run(List<Callable<T>> tasks, long timeoutSeconds)
            throws TimeoutException, InterruptedException {
        int n = tasks.size();
        CyclicBarrier barrier = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "cairn-tck-race");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    barrier.await(timeoutSeconds, TimeUnit.SECONDS);
                    return task.call();
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            List<Outcome<T>> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(new Outcome<>(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null));
                } catch (ExecutionException e) {
                    out.add(new Outcome<>(null, e.getCause()));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
