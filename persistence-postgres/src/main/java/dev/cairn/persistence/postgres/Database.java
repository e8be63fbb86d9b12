package dev.cairn.persistence.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.jdbc.CachedStatements;
import dev.cairn.persistence.jdbc.SqlErrors;
import dev.cairn.persistence.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of a {@code postgres:} store: a pool of write connections ({@code READ COMMITTED}
 * transactions, retried on deadlock or serialization failure) and a pool of read connections
 * ({@code REPEATABLE READ READ ONLY} transactions, so a read sees one snapshot), run by the engine's
 * {@link Transactions}. What is PostgreSQL's here: how the pools connect and what they set, the
 * durability the server gives, which failures may run again and what a timeout means.
 *
 * <p>Statements name tables as {@code ~table}; {@link #qualify} turns that into
 * {@code "schema".table}, so the store never depends on a connection's {@code search_path} (a host's
 * own pool may set any).
 */
final class Database extends Transactions<Database.Tx> {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** Attempts of a write transaction that PostgreSQL aborted for a deadlock or serialization failure. */
    static final int MAX_ATTEMPTS = 8;

    /**
     * Every statement of the store finds its rows through an index; a sequential scan is never the
     * plan it wants. With the default {@code enable_seqscan=on}, a statement prepared while the
     * statistics said "empty table" (a new store, before autovacuum analyzes it) keeps a generic plan
     * that scans: a test measured commits falling from 1,400/s to 250/s over 12,000 commits. Off, the
     * planner takes the index whatever the statistics say. Set at connection start on the store's own
     * pools; for a host's pool, per transaction ({@code SET LOCAL}, one more round trip).
     */
    static final String HOST_SETTINGS = "SET LOCAL enable_seqscan = off";

    private final String location;
    private final String prefix;
    private final PostgresOptions options;
    private final Durability durability;
    private final Map<String, String> qualified = new ConcurrentHashMap<>();

    private Database(String location, PostgresOptions options, Durability durability, DataSource writers,
                     DataSource readers, boolean hostPool) {
        super(new Transactions.Config("postgres", location, readers, writers, hostPool,
                (int) options.socketTimeout().toMillis(), PostgresOptions.MAINTENANCE_TIMEOUT_MS, MAX_ATTEMPTS,
                Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_READ_COMMITTED));
        this.location = location;
        this.prefix = quote(options.schema()) + ".";
        this.options = options;
        this.durability = durability;
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
        Migrations.migrateTo(c, location, options.schema(), Schema.CURRENT_VERSION);
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
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 1));
        config.setAutoCommit(false);
        config.setReadOnly(read);
        config.setConnectionTimeout(Math.max(250, options.connectTimeout().toMillis()));
        config.setJdbcUrl(where.jdbcUrl());
        config.setDriverClassName(org.postgresql.Driver.class.getName());
        config.setDataSourceProperties(props);
        // the pool's liveness check of an idle connection waits no longer than a statement would
        config.setValidationTimeout(Math.max(250, Math.min(5_000, Math.min(options.socketTimeout().toMillis(),
                options.connectTimeout().toMillis()))));
        config.setInitializationFailTimeout(-1);
        config.setTransactionIsolation(read ? "TRANSACTION_REPEATABLE_READ" : "TRANSACTION_READ_COMMITTED");
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

    PostgresOptions options() {
        return options;
    }

    @Override
    public Durability durability() {
        return durability;
    }

    @Override
    protected Tx newTx(Connection c) {
        return new Tx(c, this);
    }

    @Override
    protected boolean retryable(SQLException e) {
        return Errors.isRetryable(e);
    }

    @Override
    protected String hostSettings(boolean write) {
        return write && options.durability() == Durability.PROCESS_CRASH_SAFE
                ? HOST_SETTINGS + "; SET LOCAL synchronous_commit = off" : HOST_SETTINGS;
    }

    /** A timeout or an empty pool as the engine words them ({@link SqlErrors#network}), else {@link Errors}. */
    @Override
    protected PersistenceException failure(String what, SQLException e, boolean committing) {
        return SqlErrors.network(what, location, e, committing, "the PostgreSQL server",
                        options.socketTimeout().toMillis(), options.connectTimeout().toMillis())
                .orElseGet(() -> Errors.translate(what, location, Optional.empty(), e));
    }

    /**
     * A write transaction: its connection and the statements it prepared, closed when it ends. The
     * driver keeps the server-side prepared statements in the connection's cache across transactions.
     */
    static final class Tx extends CachedStatements {
        Tx(Connection connection, Database db) {
            super(connection, db::qualify);
        }
    }
}
