package dev.cairn.persistence.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.jdbc.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of a {@code postgres:} store: a pool of write connections ({@code READ COMMITTED}
 * transactions, retried on deadlock or serialization failure) and a pool of read connections
 * ({@code REPEATABLE READ READ ONLY} transactions, so a read sees one snapshot).
 *
 * <p>Statements name tables as {@code ~table}; {@link #qualify} turns that into
 * {@code "schema".table}, so the store never depends on a connection's {@code search_path} (a host's
 * own pool may set any).
 */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** Attempts of a write transaction that PostgreSQL aborted for a deadlock or serialization failure. */
    static final int MAX_ATTEMPTS = 8;
    /** {@link Connection#setNetworkTimeout} wants an executor; pgjdbc does not use it. */
    private static final Executor DIRECT = Runnable::run;
    private static final AtomicBoolean UNSUPPORTED_TIMEOUT_LOGGED = new AtomicBoolean();

    /**
     * Every statement of the store finds its rows through an index; a sequential scan is never the
     * plan it wants. With the default {@code enable_seqscan=on}, a statement prepared while the
     * statistics said "empty table" (a new store, before autovacuum analyzes it) keeps a generic plan
     * that scans: a test measured commits falling from 1,400/s to 250/s over 12,000 commits. Off, the
     * planner takes the index whatever the statistics say. Set at connection start on the store's own
     * pools; for a host's pool, per transaction ({@code SET LOCAL}, one more round trip).
     */
    static final String HOST_SETTINGS = "SET LOCAL enable_seqscan = off";

    /** Work in a write transaction. */
    interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** Work on a read connection, in one read-only snapshot. */
    interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final String location;
    private final String prefix;
    private final PostgresOptions options;
    private final Durability durability;
    private final DataSource writers;
    private final DataSource readers;
    /** Set when the connections come from the host's own pool: reads then set their isolation themselves. */
    private final boolean hostPool;
    private final Map<String, String> qualified = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Database(String location, PostgresOptions options, Durability durability, DataSource writers,
                     DataSource readers, boolean hostPool) {
        this.location = location;
        this.prefix = quote(options.schema()) + ".";
        this.options = options;
        this.durability = durability;
        this.writers = writers;
        this.readers = readers;
        this.hostPool = hostPool;
    }

    /**
     * Connects to the server named by a location, migrates the schema and opens the pools.
     *
     * @param where the server and login
     * @param options the tuning
     * @return the database
     */
    static Database open(PostgresLocation where, PostgresOptions options) {
        String location = where + "?schema=" + options.schema();
        Properties props = where.driverProperties(options.connectTimeout().toMillis());
        Durability durability;
        try (Connection probe = new org.postgresql.Driver().connect(where.jdbcUrl(), props)) {
            if (probe == null) {
                throw new PersistenceException("The PostgreSQL driver refused the URL of " + location);
            }
            durability = prepare(probe, location, options);
        } catch (SQLException e) {
            throw Errors.translate("open the store", location, where.user(), e);
        }
        HikariDataSource writePool = null;
        try {
            Properties writeProps = new Properties();
            writeProps.putAll(props);
            writeProps.setProperty("options", "-c enable_seqscan=off -c synchronous_commit="
                    + (options.durability() == Durability.PROCESS_CRASH_SAFE ? "off" : "on"));
            writePool = pool(where, writeProps, options.writers(), options, false);
            Properties readProps = new Properties();
            readProps.putAll(props);
            readProps.setProperty("options", "-c enable_seqscan=off");
            HikariDataSource readPool = pool(where, readProps, options.readers(), options, true);
            LOG.info("Opened Cairn store {} ({})", location, durability);
            return new Database(location, options, durability, writePool, readPool, false);
        } catch (RuntimeException e) {
            if (writePool != null) {
                writePool.close();
            }
            throw e;
        }
    }

    /**
     * Uses a host's connection pool; migrates the schema with one of its connections.
     *
     * @param dataSource the host's pool
     * @param options the tuning (pool sizes are the host's business and are ignored)
     * @return the database
     */
    static Database open(DataSource dataSource, PostgresOptions options) {
        String location = "postgres (host DataSource " + dataSource.getClass().getSimpleName() + ")?schema="
                + options.schema();
        Durability durability;
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            try {
                durability = prepare(c, location, options);
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw Errors.translate("open the store", location, Optional.empty(), e);
        }
        LOG.info("Opened Cairn store {} ({})", location, durability);
        return new Database(location, options, durability, dataSource, dataSource, true);
    }

    /** Migrates the schema and works out the durability the server gives. */
    private static Durability prepare(Connection c, String location, PostgresOptions options) throws SQLException {
        c.setAutoCommit(true);
        Migrations.migrate(c, location, options.schema());
        boolean fsync = "on".equals(setting(c, "fsync"));
        if (!fsync) {
            LOG.warn("The PostgreSQL server of {} runs with fsync=off: a crash of its machine may lose or damage"
                    + " committed data; the store declares PROCESS_CRASH_SAFE", location);
        }
        return declared(options.durability(), fsync);
    }

    /**
     * @param requested the tier the options ask for
     * @param serverFsync whether the server runs with {@code fsync=on}
     * @return the tier the store can promise: without fsync, nothing survives a crash of the server's machine
     */
    static Durability declared(Durability requested, boolean serverFsync) {
        return serverFsync ? requested : Durability.PROCESS_CRASH_SAFE;
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    private static HikariDataSource pool(PostgresLocation where, Properties props, int size, PostgresOptions options,
                                         boolean read) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cairn-pg-" + (read ? "readers-" : "writers-") + POOLS.incrementAndGet());
        config.setJdbcUrl(where.jdbcUrl());
        config.setDriverClassName(org.postgresql.Driver.class.getName());
        config.setDataSourceProperties(props);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 1));
        config.setAutoCommit(false);
        config.setConnectionTimeout(Math.max(250, options.connectTimeout().toMillis()));
        // the pool's liveness check of an idle connection waits no longer than a statement would
        config.setValidationTimeout(Math.max(250, Math.min(5_000, Math.min(options.socketTimeout().toMillis(),
                options.connectTimeout().toMillis()))));
        config.setInitializationFailTimeout(-1);
        if (read) {
            config.setReadOnly(true);
            config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        } else {
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        }
        return new HikariDataSource(config);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /**
     * @param template a statement naming tables as {@code ~table}
     * @return the statement with the tables in the store's schema
     */
    String qualify(String template) {
        return qualified.computeIfAbsent(template, t -> t.replace("~", prefix));
    }

    String location() {
        return location;
    }

    PostgresOptions options() {
        return options;
    }

    Durability durability() {
        return durability;
    }

    /**
     * Runs work in one write transaction: commits if it returns, rolls back if it throws. A
     * transaction that PostgreSQL aborts for a deadlock or a serialization failure is run again from
     * the start (the work must keep no state outside the transaction), up to {@link #MAX_ATTEMPTS}
     * times.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @return what the work returned
     */
    <T> T write(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            requireOpen();
            boolean committing = false;
            try (Connection c = writers.getConnection()) {
                HostSettings host = hostPool ? HostSettings.of(c) : null;
                if (host != null) {
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
                limit(c, socketTimeoutMs());
                Tx tx = new Tx(c, this);
                boolean committed = false;
                try {
                    if (host != null) {
                        tx.exec(options.durability() == Durability.PROCESS_CRASH_SAFE
                                ? HOST_SETTINGS + "; SET LOCAL synchronous_commit = off" : HOST_SETTINGS);
                    }
                    T result = work.run(tx);
                    tx.closeStatements();
                    if (tx.rollbackOnly) {
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
                    throw closedException();
                }
                if (Errors.isRetryable(e) && attempt < MAX_ATTEMPTS) {
                    LOG.debug("Retrying '{}' on {} after {} (attempt {})", what, location, e.getSQLState(), attempt);
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
     * Runs work on a read connection in one {@code REPEATABLE READ READ ONLY} transaction, so it sees
     * one snapshot.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @return what the work returned
     */
    <T> T read(String what, ReadWork<T> work) {
        requireOpen();
        try (Connection c = readers.getConnection()) {
            HostSettings host = hostPool ? HostSettings.of(c) : null;
            if (host != null) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
            }
            limit(c, socketTimeoutMs());
            try {
                if (host != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute(HOST_SETTINGS);
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
                throw closedException();
            }
            throw failure(what, e, false);
        }
    }

    /**
     * Runs statements that cannot run in a transaction ({@code VACUUM}) on a write connection in
     * auto-commit mode.
     */
    <T> T autoCommit(String what, ReadWork<T> work) {
        requireOpen();
        try (Connection c = writers.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            int restore = hostPool ? c.getNetworkTimeout() : 0;
            limit(c, Math.max(socketTimeoutMs(), PostgresOptions.MAINTENANCE_TIMEOUT_MS));
            try {
                return work.run(c);
            } finally {
                c.setAutoCommit(auto);
                if (hostPool) {
                    limit(c, restore);
                }
            }
        } catch (SQLException e) {
            throw failure(what, e, false);
        }
    }

    private int socketTimeoutMs() {
        return (int) options.socketTimeout().toMillis();
    }

    /**
     * Bounds how long a round trip on the connection waits for the server ({@code SO_TIMEOUT}; no
     * round trip of its own). The store's pools put the connection's own setting back when it is
     * returned; a host's connection gets it back from {@link HostSettings#restore}.
     */
    private void limit(Connection c, int millis) throws SQLException {
        try {
            c.setNetworkTimeout(DIRECT, millis);
        } catch (SQLFeatureNotSupportedException e) {
            if (UNSUPPORTED_TIMEOUT_LOGGED.compareAndSet(false, true)) {
                LOG.warn("The connections of {} do not support a network timeout: a server that stops answering"
                        + " blocks the caller until the connection's own timeout", location);
            }
        }
    }

    /**
     * The exception for a failed call. A round trip that waited longer than the socket timeout closed
     * its connection; the server rolls back the transaction of a connection that went away, so nothing
     * was written unless the timeout hit the commit itself.
     */
    private PersistenceException failure(String what, SQLException e, boolean committing) {
        if (Errors.timedOut(e)) {
            return new PersistenceException("Cannot " + what + " (" + location + "): the PostgreSQL server did not"
                    + " answer within " + socketTimeoutMs() + " ms (socket-timeout-ms); the connection was closed and"
                    + (committing ? " the commit's outcome is unknown: retry it with the same idempotency key"
                            : " nothing of it was written")
                    + ". The store reconnects by itself once the server answers again", e);
        }
        if (e instanceof SQLTransientConnectionException) { // the pool's wait for a connection ended
            return new PersistenceException("Cannot " + what + " (" + location + "): no connection within "
                    + options.connectTimeout().toMillis() + " ms (connect-timeout-ms): the PostgreSQL server did not"
                    + " answer, or every connection of the pool stayed busy; nothing of it was written", e);
        }
        return Errors.translate(what, location, Optional.empty(), e);
    }

    private void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("Rollback on {} failed: {}", location, e.getMessage());
        }
    }

    private void requireOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private StoreClosedException closedException() {
        return new StoreClosedException("postgres session store factory (" + location + ")");
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the pools this store opened (not a host's); closing twice is harmless. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!hostPool) {
            ((HikariDataSource) readers).close();
            ((HikariDataSource) writers).close();
        }
        LOG.info("Closed Cairn store {}", location);
    }

    /** The settings of a connection of a host's pool, put back before it is returned. */
    private record HostSettings(boolean autoCommit, int isolation, boolean readOnly, int networkTimeout) {
        static HostSettings of(Connection c) throws SQLException {
            int timeout;
            try {
                timeout = c.getNetworkTimeout();
            } catch (SQLFeatureNotSupportedException e) {
                timeout = -1;
            }
            return new HostSettings(c.getAutoCommit(), c.getTransactionIsolation(), c.isReadOnly(), timeout);
        }

        void restore(Connection c) throws SQLException {
            if (networkTimeout >= 0 && c.getNetworkTimeout() != networkTimeout) {
                c.setNetworkTimeout(DIRECT, networkTimeout);
            }
            if (c.isReadOnly() != readOnly) {
                c.setReadOnly(readOnly);
            }
            if (c.getTransactionIsolation() != isolation) {
                c.setTransactionIsolation(isolation);
            }
            if (c.getAutoCommit() != autoCommit) {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * A write transaction: its connection and the statements it prepared, closed when it ends. The
     * driver keeps the server-side prepared statements in the connection's cache across transactions.
     */
    static final class Tx implements Statements {
        private final Connection connection;
        private final Database db;
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private boolean rollbackOnly;

        Tx(Connection connection, Database db) {
            this.connection = connection;
            this.db = db;
        }

        /**
         * @param template a statement naming tables as {@code ~table}
         * @return the prepared statement, the same one for the same template within the transaction
         */
        @Override
        public PreparedStatement ps(String template) throws SQLException {
            PreparedStatement ps = statements.get(template);
            if (ps == null) {
                ps = connection.prepareStatement(db.qualify(template));
                statements.put(template, ps);
            }
            return ps;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        /** Makes the transaction end with a rollback even though the work returns normally. */
        void rollbackOnly() {
            rollbackOnly = true;
        }

        void exec(String sql) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute(db.qualify(sql));
            }
        }

        void closeStatements() throws SQLException {
            List<SQLException> failures = new ArrayList<>();
            for (PreparedStatement ps : statements.values()) {
                try {
                    ps.close();
                } catch (SQLException e) {
                    failures.add(e);
                }
            }
            statements.clear();
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
        }
    }
}
