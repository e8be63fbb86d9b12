package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.StoreClosedException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The queue of a {@link SingleWriter}'s group commit. There is no writer thread: the first caller
 * that finds no batch running leads (under the write lock it runs batches, each of what queued
 * meanwhile, until its own request is done), the others park until a leader completed their request
 * or handed the lead to them. A batch is one transaction on the writer, each request in its own
 * savepoint when there are several, and one {@code COMMIT}.
 */
final class GroupCommit {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** The most requests one batch takes. */
    static final int MAX_BATCH = 64;

    private final SingleWriter writer;
    private final Lock writeLock;
    private final String location;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batched = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    /** Test hook: the next batch's {@code COMMIT} throws this instead of committing. */
    final AtomicReference<SQLException> commitFailureForTest = new AtomicReference<>();
    /** Guards {@link #queue} and {@link #leading}; held only for a few instructions, never during I/O. */
    private final ReentrantLock queueLock = new ReentrantLock();
    /** Requests waiting for a leader, in arrival order. Guarded by {@link #queueLock}. */
    private final ArrayDeque<CommitRequest<?>> queue = new ArrayDeque<>();
    /** Whether some caller leads (runs batches or was handed the lead): every queued request will run. */
    private boolean leading;

    /**
     * @param writer the writer that runs the batches
     * @param writeLock the writer's lock, held while batches run
     */
    GroupCommit(SingleWriter writer, Lock writeLock) {
        this.writer = writer;
        this.writeLock = writeLock;
        this.location = writer.location();
    }

    /** Queues a request, leads or waits, and returns its outcome (or throws its failure). */
    <T> T submit(String what, SingleWriter.Work<T> work) {
        CommitRequest<T> r = new CommitRequest<>(what, work);
        boolean follow;
        queueLock.lock();
        try {
            queue.addLast(r);
            follow = leading;
            leading = true;
        } finally {
            queueLock.unlock();
        }
        if (follow) {
            awaitTurn(r);
        }
        if (!r.done) {
            lead(r);
        }
        return r.outcome();
    }

    /** Parks until a leader completed the request or handed the lead to its caller. Not interruptible. */
    private static void awaitTurn(CommitRequest<?> r) {
        boolean interrupted = false;
        while (!r.done && !r.lead) {
            LockSupport.park(r);
            if (Thread.interrupted()) {
                // The request is queued and will run: the caller must wait for its outcome (rule 1).
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs batches until the caller's own request is done, then hands the lead on. */
    private void lead(CommitRequest<?> me) {
        try {
            writeLock.lock();
            try {
                while (!me.done) {
                    List<CommitRequest<?>> batch = drain();
                    if (batch.isEmpty()) {
                        me.fail(new IllegalStateException("a commit to " + location + " was lost from the queue"));
                        break;
                    }
                    runBatch(batch);
                }
            } finally {
                writeLock.unlock();
            }
        } finally {
            handOff();
        }
    }

    private List<CommitRequest<?>> drain() {
        queueLock.lock();
        try {
            int n = Math.min(queue.size(), MAX_BATCH);
            List<CommitRequest<?>> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(queue.pollFirst());
            }
            return batch;
        } finally {
            queueLock.unlock();
        }
    }

    /** Gives the lead to the oldest queued request's caller, or ends leading when none is queued. */
    private void handOff() {
        CommitRequest<?> next;
        queueLock.lock();
        try {
            next = queue.peekFirst();
            if (next == null) {
                leading = false;
            } else {
                next.lead = true;
            }
        } finally {
            queueLock.unlock();
        }
        if (next != null) {
            LockSupport.unpark(next.thread);
        }
    }

    /** @return how many requests wait for a leader */
    int queued() {
        queueLock.lock();
        try {
            return queue.size();
        } finally {
            queueLock.unlock();
        }
    }

    /** Runs a batch under the write lock; every request of it is done afterwards. */
    private void runBatch(List<CommitRequest<?>> batch) {
        batches.incrementAndGet();
        batched.addAndGet(batch.size());
        try {
            List<CommitRequest<?>> todo = batch;
            while (!todo.isEmpty()) {
                todo = attempt(todo);
            }
        } catch (RuntimeException | Error e) {
            // Not expected (attempt() handles the requests' failures): leave no transaction open.
            writer.rollbackIfOpen();
            for (CommitRequest<?> r : batch) {
                if (!r.done) {
                    r.fail(e);
                }
            }
        }
    }

    /**
     * One write transaction for requests: each in a savepoint when there are several, then one
     * {@code COMMIT}. Completes the requests, except when a request's failure took the whole
     * transaction with it (SQLite rolls back by itself after some errors): then that request fails,
     * nothing else is completed, and the others are returned to run again in a new transaction.
     *
     * @return the requests to run again; empty when all are done
     */
    private List<CommitRequest<?>> attempt(List<CommitRequest<?>> todo) {
        WriterConnection tx;
        try {
            tx = writer.writer();
            tx.begin();
        } catch (StoreClosedException e) {
            return failAll(todo, null);
        } catch (SQLException e) {
            return failAll(todo, e);
        }
        int n = todo.size();
        boolean savepoints = n > 1;
        Object[] results = new Object[n];
        Throwable[] failures = new Throwable[n];
        for (int i = 0; i < n; i++) {
            CommitRequest<?> r = todo.get(i);
            try {
                if (savepoints) {
                    tx.savepoint();
                }
                results[i] = r.work.run(tx);
                if (savepoints) {
                    tx.release();
                }
            } catch (Throwable t) {
                Throwable failure = t;
                if (t instanceof SQLException e) {
                    writer.forgetStatements();
                    failure = writer.translate(r.what, e);
                }
                if (savepoints && undoSavepoint(tx)) {
                    failures[i] = failure;
                } else {
                    writer.rollback(tx);
                    r.fail(failure);
                    if (n > 1) {
                        retried.incrementAndGet();
                    }
                    List<CommitRequest<?>> again = new ArrayList<>(todo);
                    again.remove(i);
                    return again;
                }
            }
        }
        try {
            SQLException injected = commitFailureForTest.getAndSet(null);
            if (injected != null) {
                throw injected;
            }
            tx.commit();
        } catch (SQLException e) {
            writer.rollback(tx);
            return failAll(todo, e);
        }
        for (int i = 0; i < n; i++) {
            if (failures[i] != null) {
                todo.get(i).fail(failures[i]);
            } else {
                todo.get(i).succeed(results[i]);
            }
        }
        return List.of();
    }

    /** Fails every request with the translated error, or as closed when there is none; @return nothing to run again */
    private List<CommitRequest<?>> failAll(List<CommitRequest<?>> todo, SQLException e) {
        if (e != null) {
            writer.forgetStatements();
        }
        for (CommitRequest<?> r : todo) {
            r.fail(e == null ? writer.closedException() : writer.translate(r.what, e));
        }
        return List.of();
    }

    /** @return whether the request's savepoint was rolled back and released (the transaction lives on) */
    private boolean undoSavepoint(WriterConnection tx) {
        try {
            tx.rollbackToSavepoint();
            tx.release();
            return true;
        } catch (SQLException e) {
            LOG.debug("Rolling back to the savepoint on {} failed ({}); the transaction is rolled back", location,
                    e.getMessage());
            return false;
        }
    }

    long batches() {
        return batches.get();
    }

    long batched() {
        return batched.get();
    }

    long retried() {
        return retried.get();
    }
}
