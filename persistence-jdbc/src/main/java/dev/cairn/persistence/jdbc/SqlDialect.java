package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.StorePolicy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What one SQL database makes different, for the engine ({@link JdbcSessionStoreFactory}), which
 * owns the promises of the SPEC and the order of the steps. A provider implements this once; the
 * engine calls nothing else of it. The model is Quartz's {@code DriverDelegate}: few, coarse hooks.
 *
 * <p>The engine writes its statements as templates ({@link Sql}): tables as {@code ~table}, row
 * locks as {@code FOR UPDATE}, {@code FOR SHARE} or {@code FOR KEY SHARE}, parameter types as
 * PostgreSQL casts ({@code ?::bigint}). {@link #sql} turns a template into the dialect's statement:
 * it may qualify the tables, drop what the database has no use for (a single-writer database needs no
 * row locks), or return a statement of its own, which must take the same parameters and return the
 * same columns.
 */
public interface SqlDialect {
    /** Work in one write transaction. */
    interface WriteWork<T> {
        /**
         * @param tx the transaction
         * @return the result
         * @throws SQLException to roll the transaction back
         */
        T run(Statements tx) throws SQLException;
    }

    /** Work on a read connection, in one read-only snapshot. */
    interface ReadWork<T> {
        /**
         * @param c the connection; the dialect ends its transaction
         * @return the result
         * @throws SQLException on a database error
         */
        T run(Connection c) throws SQLException;
    }

    /**
     * @param template a statement of {@link Sql} (or built by the engine from its parts)
     * @return the statement this database runs for it; the same string for the same template
     */
    String sql(String template);

    /**
     * Runs work in one snapshot of a read connection.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @return what the work returned
     * @throws dev.cairn.persistence.PersistenceException translated from the database's error
     */
    <T> T read(String what, ReadWork<T> work);

    /**
     * Runs work in one write transaction, serialized with the other writes as this database needs
     * (one writer, or row locks taken by the engine's statements): commits if it returns, rolls back
     * if it throws.
     *
     * @param what what the work does, for error messages
     * @param work the work; it may run more than once (a retried transaction) and keeps no state outside it
     * @return what the work returned
     * @throws dev.cairn.persistence.PersistenceException translated from the database's error
     */
    <T> T write(String what, WriteWork<T> work);

    /**
     * @return whether one {@code PreparedStatement} may hold several {@code ;}-separated statements,
     *     sent in one round trip and read with {@code getMoreResults} (pgjdbc), so a session read is one
     *     round trip ({@link OneTripRead}); false by default
     */
    default boolean sendsStatementsTogether() {
        return false;
    }

    /**
     * Applies a commit (SPEC rules 1 to 8): the dialect runs {@link CommitApply} in the transactions
     * its writers use (SQLite batches commits; PostgreSQL locks rows and blobs).
     *
     * @param sessionId the session
     * @param sid its internal key
     * @param policy the store's limits
     * @param commit the commit
     * @param what what it does, for error messages
     * @return the result
     */
    RuntimeCommitResult commit(String sessionId, long sid, StorePolicy policy, RuntimeCommit commit, String what);

    /**
     * The second half of vacuum, after the engine removed the detached rows: gives the freed space
     * back to the operating system as this database can.
     *
     * @return the bytes given back
     */
    long reclaimSpace();

    /** @return the scheme of the provider ({@code sqlite}, {@code postgres}), for messages */
    String scheme();

    /** @return the location of the store, without secrets */
    String location();

    /** @return the tier the store promises */
    Durability durability();

    /** @return whether the store was closed */
    boolean isClosed();

    /** Closes what the dialect opened (connections, pools); closing twice is harmless. */
    void close();
}
