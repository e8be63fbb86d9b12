package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.StoreClosedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions on pooled connections: a read runs in one transaction that is always rolled back (one
 * snapshot), a write in one transaction that commits if its work returns and runs again from the
 * start when the dialect calls its failure retryable (a deadlock, a serialization failure). Each
 * round trip waits at most the configured network timeout. The connections may come from the
 * store's own pools or from a host's: a host's connection gets its settings (auto-commit, isolation,
 * read-only, network timeout) back before it is returned, and its pools are never closed. A dialect
 * extends it with what its failures mean and what its transaction is.
 *
 * @param <X> the dialect's write transaction
 */
public abstract class Transactions<X extends CachedStatements> implements JdbcDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
    /** {@link Connection#setNetworkTimeout} wants an executor; drivers that honour the timeout do not use it. */
    private static final Executor DIRECT = Runnable::run;
    private static final AtomicBoolean UNSUPPORTED_TIMEOUT_LOGGED = new AtomicBoolean();

    /** Work in a write transaction. */
    @FunctionalInterface
    public interface Work<X, T> {
        /**
         * @param tx the transaction
         * @return the result
         * @throws SQLException to roll the transaction back
         */
        T run(X tx) throws SQLException;
    }

    /**
     * Where the connections come from and how long calls wait.
     *
     * @param scheme the provider's scheme, for messages
     * @param location the store's location, for messages
     * @param readers the read connections
     * @param writers the write connections; null for a store that writes elsewhere ({@link SingleWriter})
     * @param hostPool whether the pools are the host's: then settings are made and put back per call
     * @param timeoutMs the network timeout of a round trip, 0 for none
     * @param maintenanceTimeoutMs the least network timeout of {@link #autoCommit}
     * @param maxAttempts how often a retryable write runs at most
     * @param readIsolation the isolation a host's connection gets for a read
     * @param writeIsolation the isolation a host's connection gets for a write
     */
    public record Config(String scheme, String location, DataSource readers, DataSource writers, boolean hostPool,
                         int timeoutMs, int maintenanceTimeoutMs, int maxAttempts, int readIsolation,
                         int writeIsolation) {
    }

    private final Config config;
    private volatile boolean closed;

    /** @param config the connections and timeouts */
    protected Transactions(Config config) {
        this.config = config;
    }

    /**
     * @param what what failed
     * @param e the failure
     * @param committing whether it failed in the {@code COMMIT} itself (its outcome is unknown)
     * @return the exception to throw
     */
    protected abstract PersistenceException failure(String what, SQLException e, boolean committing);

    /** @param c a write connection @return the dialect's transaction on it */
    protected abstract X newTx(Connection c);

    /** @param e a write's failure @return whether the transaction may run again from the start */
    protected boolean retryable(SQLException e) {
        return false;
    }

    /** @param write for a write @return what a host's connection runs at the start of a transaction, or null */
    protected String hostSettings(boolean write) {
        return null;
    }

    /**
     * @param scheme the provider's scheme
     * @param location the store's location
     * @return the exception for a call after the store's factory was closed
     */
    public static StoreClosedException closed(String scheme, String location) {
        return new StoreClosedException(scheme + " session store factory (" + location + ")");
    }

    /**
     * Runs work in one write transaction: commits if it returns (rolls back if it called
     * {@link CachedStatements#rollbackOnly()}), rolls back if it throws. A retryable failure runs it
     * again from the start, up to {@link Config#maxAttempts()} times: the work must keep no state
     * outside the transaction.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @param <T> its result
     * @return what the work returned
     */
    public <T> T write(String what, Work<X, T> work) {
        for (int attempt = 1; ; attempt++) {
            requireOpen();
            boolean committing = false;
            try (Connection c = config.writers.getConnection()) {
                HostSettings host = config.hostPool ? HostSettings.of(c) : null;
                if (host != null) {
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(config.writeIsolation);
                }
                limit(c, config.timeoutMs);
                X tx = newTx(c);
                boolean committed = false;
                try {
                    String settings = host != null ? hostSettings(true) : null;
                    if (settings != null) {
                        tx.exec(settings);
                    }
                    T result = work.run(tx);
                    tx.closeStatements();
                    if (tx.isRollbackOnly()) {
                        c.rollback();
                    } else {
                        committing = true;
                        c.commit();
                    }
                    committed = true;
                    return result;
                } finally {
                    if (!committed) {
                        rollbackQuietly(c);
                    }
                    tx.closeStatements();
                    if (host != null) {
                        host.restore(c);
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    throw closed(config.scheme, config.location);
                }
                if (attempt < config.maxAttempts && retryable(e)) {
                    LOG.debug("Retrying '{}' on {} after {} (attempt {})", what, config.location, e.getSQLState(),
                            attempt);
                    backOff(attempt);
                    continue;
                }
                throw failure(what, e, committing);
            }
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 1 + (1 << Math.min(attempt, 6))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs work on a read connection in one read-only transaction, so it sees one snapshot; the
     * transaction is rolled back afterwards.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @param <T> its result
     * @return what the work returned
     */
    public <T> T read(String what, SqlDialect.ReadWork<T> work) {
        requireOpen();
        try (Connection c = config.readers.getConnection()) {
            HostSettings host = config.hostPool ? HostSettings.of(c) : null;
            if (host != null) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(config.readIsolation);
                c.setReadOnly(true);
            }
            limit(c, config.timeoutMs);
            try {
                String settings = host != null ? hostSettings(false) : null;
                if (settings != null) {
                    try (var s = c.createStatement()) {
                        s.execute(settings);
                    }
                }
                return work.run(c);
            } finally {
                rollbackQuietly(c);
                if (host != null) {
                    host.restore(c);
                }
            }
        } catch (SQLException e) {
            if (closed) {
                throw closed(config.scheme, config.location);
            }
            throw failure(what, e, false);
        }
    }

    /**
     * Runs statements that cannot run in a transaction ({@code VACUUM}) on a write connection in
     * auto-commit mode, with at least the maintenance timeout.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @param <T> its result
     * @return what the work returned
     */
    public <T> T autoCommit(String what, SqlDialect.ReadWork<T> work) {
        requireOpen();
        try (Connection c = config.writers.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            int restore = config.hostPool ? c.getNetworkTimeout() : 0;
            limit(c, Math.max(config.timeoutMs, config.maintenanceTimeoutMs));
            try {
                return work.run(c);
            } finally {
                c.setAutoCommit(auto);
                if (config.hostPool) {
                    limit(c, restore);
                }
            }
        } catch (SQLException e) {
            throw failure(what, e, false);
        }
    }

    /**
     * Bounds how long a round trip on the connection waits ({@code SO_TIMEOUT}; no round trip of its
     * own). The store's pools put the connection's own setting back when it is returned; a host's
     * connection gets it back from {@link HostSettings#restore}.
     */
    private void limit(Connection c, int millis) throws SQLException {
        if (config.timeoutMs <= 0) {
            return;
        }
        try {
            c.setNetworkTimeout(DIRECT, millis);
        } catch (SQLFeatureNotSupportedException e) {
            if (UNSUPPORTED_TIMEOUT_LOGGED.compareAndSet(false, true)) {
                LOG.warn("The connections of {} do not support a network timeout: a server that stops answering"
                        + " blocks the caller until the connection's own timeout", config.location);
            }
        }
    }

    private void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("Rollback on {} failed: {}", config.location, e.getMessage());
        }
    }

    private void requireOpen() {
        if (closed) {
            throw closed(config.scheme, config.location);
        }
    }

    @Override
    public final String location() {
        return config.location;
    }

    @Override
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Marks the transactions closed and closes the store's own pools (never a host's). Closing twice
     * is harmless. A store whose writes go through a {@link SingleWriter} logs its close there.
     */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!config.hostPool) {
            for (DataSource pool : new DataSource[] {config.readers, config.writers}) {
                if (pool instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        LOG.debug("Closing a pool of {} failed: {}", config.location, e.getMessage());
                    }
                }
            }
        }
        if (config.writers != null) {
            LOG.info("Closed Cairn store {}", config.location);
        }
    }
}
