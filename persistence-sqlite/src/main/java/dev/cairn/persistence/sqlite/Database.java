package dev.cairn.persistence.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.jdbc.Statements;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

/**
 * The database of one factory: a single writer connection, used under a lock, that runs every
 * write transaction with {@code BEGIN IMMEDIATE} and keeps its prepared statements; and a HikariCP
 * pool of read-only connections, each read one deferred transaction (one WAL snapshot). Pragmas are
 * set through {@link SQLiteConfig}, which applies them one by one when a connection opens.
 *
 * <p>Commits go through {@link #commit}: group commit. Commits of any sessions that queue up while a
 * write transaction runs are applied together in the next one, each in its own savepoint, with one
 * {@code COMMIT} (one fsync) for all of them. There is no writer thread: the first caller that finds
 * no batch running leads (it runs its own commit and whatever queued meanwhile), the others park
 * until a leader completed their request or handed the lead to them.
 */
final class Database implements AutoCloseable {
    /** The database file inside the location's directory. */
    static final String FILE_NAME = "cairn.db";

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final int JOURNAL_SIZE_LIMIT = 64 << 20;

    private final Path file;
    private final String location;
    private final SqliteOptions options;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guarded by {@link #writeLock}; null once closed or after a failure that left it unusable. */
    private Tx writer;
    private final HikariDataSource readers;
    private volatile boolean closed;

    /** The most commits one write transaction applies. */
    static final int MAX_BATCH = 64;
    /** Guards {@link #queue} and {@link #leading}; held only for a few instructions, never during I/O. */
    private final ReentrantLock queueLock = new ReentrantLock();
    /** Commits waiting for a leader, in arrival order. Guarded by {@link #queueLock}. */
    private final ArrayDeque<Request<?>> queue = new ArrayDeque<>();
    /**
     * Whether some caller is leading (running batches or handed the lead). While it is true every
     * queued request will be run by a leader. Guarded by {@link #queueLock}.
     */
    private boolean leading;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batched = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    /** Test hook: the next batch's {@code COMMIT} throws this instead of committing. */
    private final AtomicReference<SQLException> commitFailureForTest = new AtomicReference<>();

    /** Work inside a write transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** Work on a read connection, inside one read transaction. */
    @FunctionalInterface
    interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    private Database(Path file, String location, SqliteOptions options, Tx writer, HikariDataSource readers) {
        this.file = file;
        this.location = location;
        this.options = options;
        this.writer = writer;
        this.readers = readers;
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
        Tx writer = null;
        try {
            writer = new Tx(openWriter(file, options));
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
        Connection c = ds.getConnection();
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
        hc.setDataSource(ds);
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

    /** @return the location, {@code sqlite:} and the absolute directory */
    String location() {
        return location;
    }

    Path file() {
        return file;
    }

    SqliteOptions options() {
        return options;
    }

    /**
     * Runs work in one {@code BEGIN IMMEDIATE} transaction on the writer: commits if it returns,
     * rolls back if it throws.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @return what the work returned
     */
    <T> T write(String what, Work<T> work) {
        writeLock.lock();
        try {
            Tx tx = writer();
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
            throw Errors.translate(what, location, e);
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
     * @return what the work returned
     */
    <T> T commit(String what, Work<T> work) {
        if (closed) {
            throw closedException();
        }
        Request<T> r = new Request<>(what, work);
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
    private static void awaitTurn(Request<?> r) {
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
    private void lead(Request<?> me) {
        try {
            writeLock.lock();
            try {
                while (!me.done) {
                    List<Request<?>> batch = drain();
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

    private List<Request<?>> drain() {
        queueLock.lock();
        try {
            int n = Math.min(queue.size(), MAX_BATCH);
            List<Request<?>> batch = new ArrayList<>(n);
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
        Request<?> next;
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

    /** Runs a batch under the write lock; every request of it is done afterwards. */
    private void runBatch(List<Request<?>> batch) {
        batches.incrementAndGet();
        batched.addAndGet(batch.size());
        try {
            List<Request<?>> todo = batch;
            while (!todo.isEmpty()) {
                todo = attempt(todo);
            }
        } catch (RuntimeException | Error e) {
            // Not expected (attempt() handles the requests' failures): leave no transaction open.
            if (writer != null) {
                rollback(writer);
            }
            for (Request<?> r : batch) {
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
    private List<Request<?>> attempt(List<Request<?>> todo) {
        Tx tx;
        try {
            tx = writer();
            tx.begin();
        } catch (StoreClosedException e) {
            for (Request<?> r : todo) {
                r.fail(closedException());
            }
            return List.of();
        } catch (SQLException e) {
            forgetStatements();
            for (Request<?> r : todo) {
                r.fail(Errors.translate(r.what, location, e));
            }
            return List.of();
        }
        int n = todo.size();
        boolean savepoints = n > 1;
        Object[] results = new Object[n];
        Throwable[] failures = new Throwable[n];
        for (int i = 0; i < n; i++) {
            Request<?> r = todo.get(i);
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
                    forgetStatements();
                    failure = Errors.translate(r.what, location, e);
                }
                if (savepoints && undoSavepoint(tx)) {
                    failures[i] = failure;
                } else {
                    rollback(tx);
                    r.fail(failure);
                    if (n > 1) {
                        retried.incrementAndGet();
                    }
                    List<Request<?>> again = new ArrayList<>(todo);
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
            forgetStatements();
            rollback(tx);
            for (Request<?> r : todo) {
                r.fail(Errors.translate(r.what, location, e));
            }
            return List.of();
        }
        for (int i = 0; i < n; i++) {
            Request<?> r = todo.get(i);
            if (failures[i] != null) {
                r.fail(failures[i]);
            } else {
                r.succeed(results[i]);
            }
        }
        return List.of();
    }

    /** @return whether the request's savepoint was rolled back and released (the transaction lives on) */
    private boolean undoSavepoint(Tx tx) {
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

    /** @return how many batches (write transactions of {@link #commit}) ran; for tests and measurements */
    long batchesForTest() {
        return batches.get();
    }

    /** @return how many commit requests the batches took; for tests */
    long batchedForTest() {
        return batched.get();
    }

    /** @return how many times a request's failure rolled back its whole batch, whose others ran again; for tests */
    long retriedForTest() {
        return retried.get();
    }

    /** @return how many commit requests wait for a leader; for tests */
    int queuedForTest() {
        queueLock.lock();
        try {
            return queue.size();
        } finally {
            queueLock.unlock();
        }
    }

    /** Test hook: the next batch's {@code COMMIT} fails with this error instead of committing. */
    void failNextCommitForTest(SQLException e) {
        commitFailureForTest.set(e);
    }

    /** A queued commit and, once {@link #done}, its outcome. */
    private static final class Request<T> {
        final String what;
        final Work<T> work;
        final Thread thread = Thread.currentThread();
        /** Set (after the outcome) when the request is complete. */
        volatile boolean done;
        /** Set when a finishing leader hands the lead to this request's caller. */
        volatile boolean lead;
        private Object result;
        private Throwable failure;

        Request(String what, Work<T> work) {
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

    /**
     * After an SQLite error the driver may have finalized the failing statement (it does for
     * SQLITE_FULL, IOERR, ...); the cache is emptied so every statement is prepared again.
     */
    private void forgetStatements() {
        if (writer != null) {
            try {
                writer.closeStatements();
            } catch (SQLException e) {
                LOG.debug("Closing the statements of {} failed: {}", location, e.getMessage());
            }
        }
    }

    /**
     * Runs work on the writer outside a transaction (pragmas such as {@code incremental_vacuum}).
     */
    <T> T writeUnsafe(String what, Work<T> work) {
        writeLock.lock();
        try {
            return work.run(writer());
        } catch (SQLException e) {
            forgetStatements();
            throw Errors.translate(what, location, e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs work on a read-only connection in one read transaction, so it sees one snapshot.
     *
     * @param what what the work does, for error messages
     * @param work the work
     * @return what the work returned
     */
    <T> T read(String what, ReadWork<T> work) {
        if (closed) {
            throw closedException();
        }
        try (Connection c = readers.getConnection()) {
            try {
                return work.run(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            if (closed) {
                throw closedException();
            }
            throw Errors.translate(what, location, e);
        }
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
                 java.sql.ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                pages = rs.getLong(1);
            }
            tx.exec("PRAGMA max_page_count = " + (pages + extraPages));
            return null;
        });
    }

    private Tx writer() throws SQLException {
        if (closed) {
            throw closedException();
        }
        if (writer == null) {
            LOG.warn("Reopening the writer connection of {} after an earlier failure", location);
            writer = new Tx(openWriter(file, options));
        }
        return writer;
    }

    private void rollback(Tx tx) {
        try {
            tx.rollback();
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no transaction is active")) {
                return; // SQLite already rolled back (it does after SQLITE_FULL, IOERR, ...)
            }
            LOG.warn("Rollback on {} failed ({}); the writer connection is closed and will be reopened", location,
                    e.getMessage());
            closeQuietly(tx);
            writer = null;
        }
    }

    private StoreClosedException closedException() {
        return new StoreClosedException("sqlite session store factory (" + location + ")");
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the reader pool and, after the running write, the writer. Closing twice is harmless. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        readers.close();
        writeLock.lock();
        try {
            closeQuietly(writer);
            writer = null;
        } finally {
            writeLock.unlock();
        }
        LOG.info("Closed Cairn store {}", location);
    }

    private static void closeQuietly(Tx tx) {
        if (tx != null) {
            try {
                tx.close();
            } catch (SQLException e) {
                LOG.debug("Closing a writer connection failed: {}", e.getMessage());
            }
        }
    }

    /**
     * The writer connection and its prepared statements, reused for every transaction. Only used
     * by the thread that holds the write lock.
     */
    static final class Tx implements Statements {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        /** The transaction control statements, by the indexes below; prepared again after they fail. */
        private static final String[] CONTROL_SQL = {
            "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK", "SAVEPOINT c", "RELEASE c", "ROLLBACK TO c"};
        private static final int BEGIN = 0;
        private static final int COMMIT = 1;
        private static final int ROLLBACK = 2;
        private static final int SAVEPOINT = 3;
        private static final int RELEASE = 4;
        private static final int ROLLBACK_TO = 5;
        private final PreparedStatement[] control = new PreparedStatement[CONTROL_SQL.length];

        Tx(Connection connection) throws SQLException {
            this.connection = connection;
            for (int i = 0; i < CONTROL_SQL.length; i++) {
                control[i] = connection.prepareStatement(CONTROL_SQL[i]);
            }
        }

        /**
         * Runs a control statement. The driver gives a statement up when it fails ("statement is not
         * executing" on its next use), so a failed one is prepared again for the next call.
         */
        private void control(int which) throws SQLException {
            try {
                control[which].execute();
            } catch (SQLException e) {
                try {
                    control[which].close();
                } catch (SQLException ignored) {
                    // prepared again below
                }
                try {
                    control[which] = connection.prepareStatement(CONTROL_SQL[which]);
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        }

        @Override
        public Connection connection() {
            return connection;
        }

        /**
         * @param template an engine template or a statement of this provider
         * @return its prepared statement ({@link SqliteDialect#translate}), prepared once per connection
         */
        @Override
        public PreparedStatement ps(String template) throws SQLException {
            PreparedStatement ps = statements.get(template);
            if (ps == null) {
                ps = connection.prepareStatement(SqliteDialect.translate(template));
                statements.put(template, ps);
            }
            return ps;
        }

        /** Runs a statement once, without caching it (pragmas, rare maintenance). */
        void exec(String sql) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute(sql);
            }
        }

        /** Closes the cached statements (they are prepared again when next used); VACUUM needs none open. */
        void closeStatements() throws SQLException {
            try {
                for (PreparedStatement ps : statements.values()) {
                    ps.close();
                }
            } finally {
                statements.clear();
            }
        }

        void begin() throws SQLException {
            control(BEGIN);
        }

        void commit() throws SQLException {
            control(COMMIT);
        }

        void rollback() throws SQLException {
            control(ROLLBACK);
        }

        /** Starts the savepoint of one commit of a batch. */
        void savepoint() throws SQLException {
            control(SAVEPOINT);
        }

        /** Ends the savepoint (keeping its writes in the transaction). */
        void release() throws SQLException {
            control(RELEASE);
        }

        /** Undoes the writes since the savepoint; it stays open until {@link #release}. */
        void rollbackToSavepoint() throws SQLException {
            control(ROLLBACK_TO);
        }

        void close() throws SQLException {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
            for (PreparedStatement ps : control) {
                ps.close();
            }
            connection.close();
        }
    }
}
