package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.StoreClosedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer connection for a database that serializes its writers (SQLite): every write
 * transaction runs on it, under a lock, and it keeps its prepared statements. A failure that leaves
 * it unusable closes it; the next write opens it again ({@link #openWriter}).
 *
 * <p>Commits go through {@link #commit}: group commit. Commits of any sessions that queue up while a
 * write transaction runs are applied together in the next one, each in its own savepoint, with one
 * {@code COMMIT} (one fsync) for all of them ({@link GroupCommit} holds the queue). A dialect
 * extends this class with how it opens the connection and what its errors mean.
 */
public abstract class SingleWriter implements JdbcDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(SingleWriter.class);

    private final String scheme;
    private final String location;
    private final String begin;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guarded by {@link #writeLock}; null once closed or after a failure that left it unusable. */
    private WriterConnection writer;
    private final GroupCommit group;
    private volatile boolean closed;

    /** Work inside a write transaction, or on the writer outside one ({@link #writeUnsafe}). */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * @param tx the writer connection
         * @return the work's result
         * @throws SQLException if a statement fails
         */
        T run(WriterConnection tx) throws SQLException;
    }

    /**
     * @param scheme the provider's scheme, for messages
     * @param location the store's location, for messages
     * @param writer the writer connection, already open (the dialect migrated the schema with it)
     */
    protected SingleWriter(String scheme, String location, WriterConnection writer) {
        this.scheme = scheme;
        this.location = location;
        this.begin = writer.beginSql();
        this.writer = writer;
        this.group = new GroupCommit(this, writeLock);
    }

    /** @return a new writer connection, in auto-commit mode, after a failure closed the last one */
    protected abstract Connection openWriter() throws SQLException;

    /**
     * @param template an engine template
     * @return the dialect's statement for it
     */
    protected abstract String sql(String template);

    /**
     * @param what what failed, for the message
     * @param e the failure
     * @return the exception to throw
     */
    protected abstract PersistenceException translate(String what, SQLException e);

    /**
     * @param e a failed rollback
     * @return whether it failed because the database had already rolled the transaction back
     */
    protected boolean alreadyRolledBack(SQLException e) {
        return false;
    }

    @Override
    public final String location() {
        return location;
    }

    /**
     * Runs work in one transaction on the writer: commits if it returns, rolls back if it throws.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @param <T> its result
     * @return what the work returned
     */
    public <T> T write(String what, Work<T> work) {
        writeLock.lock();
        try {
            WriterConnection tx = writer();
            tx.begin();
            boolean committed = false;
            try {
                T result = work.run(tx);
                tx.commit();
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollback(tx);
                }
            }
        } catch (SQLException e) {
            forgetStatements();
            throw translate(what, e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs work on the writer outside a transaction (pragmas such as {@code incremental_vacuum}).
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @param <T> its result
     * @return what the work returned
     */
    public <T> T writeUnsafe(String what, Work<T> work) {
        writeLock.lock();
        try {
            return work.run(writer());
        } catch (SQLException e) {
            forgetStatements();
            throw translate(what, e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs a commit in a write transaction, batched with commits of other callers that queue meanwhile
     * (group commit). Returns only after the {@code COMMIT} of the transaction that applied it
     * succeeded; throws what the work threw, or the failure of that transaction, and then nothing of
     * the work is written. The work runs in a savepoint when it shares the transaction, so its
     * failure undoes only its own writes; it may run on another caller's thread, and must not keep
     * state outside the database beyond its own return value.
     *
     * @param what what the work does, for error messages
     * @param work the work; it must only write through the transaction
     * @param <T> its result
     * @return what the work returned
     */
    public <T> T commit(String what, Work<T> work) {
        if (closed) {
            throw closedException();
        }
        return group.submit(what, work);
    }

    /** After an error the driver may have finalized the failing statement: every statement is prepared again. */
    void forgetStatements() {
        if (writer != null) {
            try {
                writer.closeStatements();
            } catch (SQLException e) {
                LOG.debug("Closing the statements of {} failed: {}", location, e.getMessage());
            }
        }
    }

    WriterConnection writer() throws SQLException {
        if (closed) {
            throw closedException();
        }
        if (writer == null) {
            LOG.warn("Reopening the writer connection of {} after an earlier failure", location);
            writer = new WriterConnection(openWriter(), this::sql, begin);
        }
        return writer;
    }

    /** Rolls back what a failure left open, if the writer is open. */
    void rollbackIfOpen() {
        if (writer != null) {
            rollback(writer);
        }
    }

    void rollback(WriterConnection tx) {
        try {
            tx.rollback();
        } catch (SQLException e) {
            if (alreadyRolledBack(e)) {
                return;
            }
            LOG.warn("Rollback on {} failed ({}); the writer connection is closed and will be reopened", location,
                    e.getMessage());
            closeQuietly(tx);
            writer = null;
        }
    }

    /** @return the exception for a call after {@link #close()} */
    protected StoreClosedException closedException() {
        return Transactions.closed(scheme, location);
    }

    @Override
    public final boolean isClosed() {
        return closed;
    }

    /** Closes what the dialect opened besides the writer ({@link #close()} calls it first, once). */
    protected void closeOthers() {
    }

    /** Closes, after the running write, the writer (and what {@link #closeOthers} closes). Closing twice is harmless. */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeOthers();
        writeLock.lock();
        try {
            closeQuietly(writer);
            writer = null;
        } finally {
            writeLock.unlock();
        }
        LOG.info("Closed Cairn store {}", location);
    }

    /** Closes a writer connection (that its opener could not hand over, or this one), logging a failure. */
    protected static void closeQuietly(WriterConnection tx) {
        if (tx != null) {
            try {
                tx.close();
            } catch (SQLException e) {
                LOG.debug("Closing a writer connection failed: {}", e.getMessage());
            }
        }
    }

    /** @return how many batches (write transactions of {@link #commit}) ran; for tests and measurements */
    public long batchesForTest() {
        return group.batches();
    }

    /** @return how many commit requests the batches took; for tests */
    public long batchedForTest() {
        return group.batched();
    }

    /** @return how many times a request's failure rolled back its whole batch, whose others ran again; for tests */
    public long retriedForTest() {
        return group.retried();
    }

    /** @return how many commit requests wait for a leader; for tests */
    public int queuedForTest() {
        return group.queued();
    }

    /** Test hook: the next batch's {@code COMMIT} fails with this error instead of committing. @param e the error */
    public void failNextCommitForTest(SQLException e) {
        group.commitFailureForTest.set(e);
    }
}
