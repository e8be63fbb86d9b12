package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.PersistenceException;
import java.util.concurrent.locks.LockSupport;

/** A queued request and, once {@link #done}, its outcome. */
final class CommitRequest<T> {
    final String what;
    final SingleWriter.Work<T> work;
    final Thread thread = Thread.currentThread();
    /** Set (after the outcome) when the request is complete. */
    volatile boolean done;
    /** Set when a finishing leader hands the lead to this request's caller. */
    volatile boolean lead;
    private Object result;
    private Throwable failure;

    CommitRequest(String what, SingleWriter.Work<T> work) {
        this.what = what;
        this.work = work;
    }

    void succeed(Object value) {
        result = value;
        complete();
    }

    void fail(Throwable t) {
        failure = t;
        complete();
    }

    private void complete() {
        done = true;
        if (thread != Thread.currentThread()) {
            LockSupport.unpark(thread);
        }
    }

    @SuppressWarnings("unchecked")
    T outcome() {
        if (failure == null) {
            return (T) result;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new PersistenceException("Cannot " + what + ": " + failure, failure);
    }
}
