package dev.cairn.persistence.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.jdbc.CachedStatements;
import dev.cairn.persistence.jdbc.SingleWriter;
import dev.cairn.persistence.jdbc.SqlDialect;
import dev.cairn.persistence.jdbc.StatementCachingDataSource;
import dev.cairn.persistence.jdbc.Transactions;
import dev.cairn.persistence.jdbc.WriterConnection;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

/**
 * The database of one factory: the engine's {@link SingleWriter} on one writer connection, which
 * runs every write transaction with {@code BEGIN IMMEDIATE} and batches commits (group commit), and
 * a HikariCP pool of read-only connections, each read one deferred transaction (one WAL snapshot).
 * What is SQLite's here: the directory checks, how the connections open (pragmas, set through
 * {@link SQLiteConfig}, which applies them one by one when a connection opens) and what its errors
 * mean ({@link Errors}).
 */
final class Database extends SingleWriter {
    /** The database file inside the location's directory. */
    static final String FILE_NAME = "cairn.db";

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final int JOURNAL_SIZE_LIMIT = 64 << 20;
    private static final String BEGIN = "BEGIN IMMEDIATE";
    /** The most statements a read connection keeps: more than the engine's read statements. */
    static final int READER_STATEMENTS = 32;
    /** Test hook: wraps the writer connection of the database file given (statement counts). */
    private static final Map<Path, UnaryOperator<Connection>> WRITER_WRAPPERS = new ConcurrentHashMap<>();

    private final Path file;
    private final SqliteOptions options;
    private final Transactions<CachedStatements> readers;

    private Database(Path file, String location, SqliteOptions options, WriterConnection writer,
                     HikariDataSource readers) {
        super("sqlite", location, writer);
        this.file = file;
        this.options = options;
        this.readers = new Transactions<>(new Transactions.Config("sqlite", location, readers, null, false, 0, 0, 1,
                Connection.TRANSACTION_SERIALIZABLE, Connection.TRANSACTION_SERIALIZABLE)) {
            @Override
            protected PersistenceException failure(String what, SQLException e, boolean committing) {
                return Errors.translate(what, location, e);
            }

            @Override
            protected CachedStatements newTx(Connection c) {
                throw new IllegalStateException("SQLite writes go through the writer");
            }

            @Override
            public Durability durability() {
                return options.durability();
            }
        };
    }

    /**
     * Opens (creating if needed) the database in a directory and migrates its schema.
     *
     * @param directory the location's directory, created if absent
     * @param options the tuning
     * @return the open database
     */
    static Database open(Path directory, SqliteOptions options) {
        Path dir = directory.toAbsolutePath().normalize();
        String location = "sqlite:" + dir;
        prepareDirectory(dir, location);
        Path file = dir.resolve(FILE_NAME);
        WriterConnection writer = null;
        try {
            writer = new WriterConnection(openWriter(file, options), SqliteDialect::translate, BEGIN);
            int found = Migrations.migrate(writer.connection(), location);
            HikariDataSource readers = openReaders(file, options);
            LOG.info("Opened Cairn store {} (schema version {}{}, {}, {} readers)", location, Schema.CURRENT_VERSION,
                    found == Schema.CURRENT_VERSION ? "" : ", migrated from " + found, options.durability(),
                    options.readers());
            return new Database(file, location, options, writer, readers);
        } catch (SQLException e) {
            closeQuietly(writer);
            throw Errors.translate("open the store", location, e);
        } catch (RuntimeException e) {
            closeQuietly(writer);
            if (e.getCause() instanceof SQLException sql) {
                throw Errors.translate("open the store", location, sql);
            }
            throw e;
        }
    }

    private static void prepareDirectory(Path dir, String location) {
        if (dir.toString().indexOf('?') >= 0) {
            throw new InvalidRequestException("Cannot open " + location + ": the SQLite driver reads '?' in a database"
                    + " path as the start of its options; choose a directory without '?'");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new PersistenceException("Cannot open " + location + ": the path is a file, not a directory;"
                    + " a sqlite: location names a directory that holds the database");
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new PersistenceException("Cannot open " + location + ": the path is a file, not a directory", e);
        } catch (IOException e) {
            throw new PersistenceException("Cannot open " + location + ": the directory cannot be created ("
                    + e + "); check the path and its permissions", e);
        }
        if (!Files.isWritable(dir)) {
            throw new PersistenceException("Cannot open " + location + ": the directory is not writable; SQLite needs"
                    + " to create the database and its -wal and -shm files there. Fix its permissions");
        }
        Path db = dir.resolve(FILE_NAME);
        if (Files.exists(db) && (!Files.isRegularFile(db) || !Files.isWritable(db))) {
            throw new PersistenceException("Cannot open " + location + ": " + db + " is not a writable file;"
                    + " fix its permissions");
        }
    }

    private static Connection openWriter(Path file, SqliteOptions options) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setOpenMode(SQLiteOpenMode.NOMUTEX);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(options.durability() == Durability.POWER_LOSS_SAFE
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        config.setJournalSizeLimit(JOURNAL_SIZE_LIMIT);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.setCacheSize(-16_384);
        config.enforceForeignKeys(false);
        // Keys come back through RETURNING; without this the driver runs (and prepares anew) a
        // "SELECT last_insert_rowid()" after every INSERT run with executeUpdate (issue 17).
        config.setGetGeneratedKeys(false);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        Connection c = WRITER_WRAPPERS.getOrDefault(file, UnaryOperator.identity()).apply(ds.getConnection());
        // Only the writer checkpoints automatically (readers never commit a write), so the setting is
        // the writer's alone: one statement once it is open, not an init SQL string.
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = " + options.walAutocheckpoint());
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return c;
    }

    private static HikariDataSource openReaders(Path file, SqliteOptions options) {
        SQLiteConfig config = new SQLiteConfig();
        config.setOpenMode(SQLiteOpenMode.NOMUTEX);
        config.setReadOnly(true);
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.setCacheSize(-8_192);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        HikariConfig hc = new HikariConfig();
        // sqlite-jdbc prepares anew on every prepareStatement: each reader keeps its statements (issue 19)
        hc.setDataSource(new StatementCachingDataSource(ds, READER_STATEMENTS));
        hc.setPoolName("cairn-sqlite-readers-" + POOLS.incrementAndGet());
        hc.setReadOnly(true);
        hc.setAutoCommit(false);
        hc.setMaximumPoolSize(options.readers());
        hc.setMinimumIdle(1);
        hc.setMaxLifetime(0);
        hc.setConnectionTimeout(30_000 + options.busyTimeout().toMillis());
        hc.setRegisterMbeans(false);
        return new HikariDataSource(hc);
    }

    @Override
    protected Connection openWriter() throws SQLException {
        return openWriter(file, options);
    }

    @Override
    protected String sql(String template) {
        return SqliteDialect.translate(template);
    }

    @Override
    protected PersistenceException translate(String what, SQLException e) {
        return Errors.translate(what, location(), e);
    }

    /** SQLite rolls back by itself after some errors (SQLITE_FULL, IOERR, ...). */
    @Override
    protected boolean alreadyRolledBack(SQLException e) {
        return String.valueOf(e.getMessage()).contains("no transaction is active");
    }

    Path file() {
        return file;
    }

    SqliteOptions options() {
        return options;
    }

    @Override
    public Durability durability() {
        return options.durability();
    }

    /**
     * Runs work on a read-only connection in one read transaction, so it sees one snapshot.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @return what the work returned
     */
    <T> T read(String what, SqlDialect.ReadWork<T> work) {
        if (isClosed()) {
            throw closedException();
        }
        return readers.read(what, work);
    }

    /**
     * Test hook: caps the database at its current size plus some pages ({@code PRAGMA max_page_count}
     * on the writer), so a test can make the disk "fill up" in the middle of a commit.
     *
     * @param extraPages pages the database may still grow by
     */
    void limitGrowthForTest(long extraPages) {
        writeUnsafe("limit the database size", tx -> {
            long pages;
            try (Statement s = tx.connection().createStatement();
                 ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                pages = rs.getLong(1);
            }
            tx.exec("PRAGMA max_page_count = " + (pages + extraPages));
            return null;
        });
    }

    /**
     * Test hook: the writer of the store in a directory, opened from now on, is the given wrapper of
     * the driver's connection (to count the statements a commit runs).
     *
     * @param directory the store's directory
     * @param wrapper wraps the writer's connection; null removes the hook
     */
    static void wrapWriterForTest(Path directory, UnaryOperator<Connection> wrapper) {
        Path file = directory.toAbsolutePath().normalize().resolve(FILE_NAME);
        if (wrapper == null) {
            WRITER_WRAPPERS.remove(file);
        } else {
            WRITER_WRAPPERS.put(file, wrapper);
        }
    }

    /** Closes the reader pool; the writer is closed after the running write. */
    @Override
    protected void closeOthers() {
        readers.close();
    }
}
