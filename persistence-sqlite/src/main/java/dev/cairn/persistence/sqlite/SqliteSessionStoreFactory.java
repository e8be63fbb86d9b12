package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.VacuumReport;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.jdbc.Codec;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SessionStoreFactory} on one SQLite database: the file {@code cairn.db} in a directory,
 * shared by every session, in WAL mode. Durable: {@link Durability#PROCESS_CRASH_SAFE} by default,
 * {@link Durability#POWER_LOSS_SAFE} with {@code durability=power-loss}.
 *
 * <p>Open it with {@code SessionStores.open("sqlite:./.cairn")} or, wiring by hand,
 * {@code new SqliteSessionStoreFactory(Path.of(".cairn"))}. Several factories, in this process or
 * others, may open the same directory: SQLite's file locks keep their commits atomic and their
 * compare-and-set exact. Close the factory at shutdown; closing it closes every store it made.
 *
 * <p>Thread-safe. Writes of all sessions go through one connection, one transaction at a time;
 * commits that arrive while a transaction runs share the next one (group commit: one fsync for the
 * batch, each commit still all or nothing). Reads run in parallel on a pool of read-only connections.
 */
public final class SqliteSessionStoreFactory implements SessionStoreFactory {
    private final Database db;
    private final Commits commits;
    private final Maintenance maintenance;
    private final Catalogue catalogue;

    /**
     * Opens the store in a directory with {@link SqliteOptions#DEFAULTS}, creating the directory
     * and the database if absent and migrating an older schema.
     *
     * @param directory the directory that holds {@code cairn.db}
     * @throws dev.cairn.persistence.PersistenceException if the directory or database cannot be used,
     *     saying why; nothing is damaged
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the database
     */
    public SqliteSessionStoreFactory(Path directory) {
        this(directory, SqliteOptions.DEFAULTS);
    }

    /**
     * Opens the store in a directory with the given options.
     *
     * @param directory the directory that holds {@code cairn.db}
     * @param options durability, reader pool, busy timeout, compression level
     * @throws dev.cairn.persistence.PersistenceException if the directory or database cannot be used
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the database
     */
    public SqliteSessionStoreFactory(Path directory, SqliteOptions options) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        this.db = Database.open(directory, options);
        this.commits = new Commits(db, new Codec(options.compressionLevel()));
        this.maintenance = new Maintenance(db);
        this.catalogue = new Catalogue(db);
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.InvalidRequestException if the request is invalid
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public RuntimePersistence createStore(SessionStoreCreateRequest request) {
        Objects.requireNonNull(request, "request");
        requireOpen();
        long sid = catalogue.create(request);
        return new SqliteStore(this, db, request.sessionId(), sid, request.policy());
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.InvalidRequestException if the id breaks {@link Ids#RULE}
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        requireOpen();
        Ids.require("session id", sessionId);
        return catalogue.sid(sessionId).<RuntimePersistence>map(sid -> new SqliteStore(this, db, sessionId, sid, StorePolicy.DEFAULT));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public SessionPage listSessions(SessionQuery query) {
        Objects.requireNonNull(query, "query");
        requireOpen();
        return catalogue.list(query);
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public RuntimePersistence forkSession(ForkRequest request) {
        Objects.requireNonNull(request, "request");
        requireOpen();
        long sid = catalogue.fork(request);
        return new SqliteStore(this, db, request.newSessionId(), sid, request.policy());
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.InvalidRequestException if the id breaks {@link Ids#RULE}
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public boolean deleteSession(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        requireOpen();
        Ids.require("session id", sessionId);
        return catalogue.delete(sessionId);
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.StoreCorruptedException if the stored bytes do not hash to {@code hash}
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Optional<byte[]> loadBlob(dev.cairn.persistence.ContentHash hash) {
        Objects.requireNonNull(hash, "hash");
        requireOpen();
        return db.read("read blob " + hash, c -> Reads.loadBlob(c, hash));
    }

    @Override
    public GcReport gcUnreachable() {
        requireOpen();
        return maintenance.gc();
    }

    @Override
    public VacuumReport vacuum() {
        requireOpen();
        return maintenance.vacuum();
    }

    /**
     * @return {@link Durability#PROCESS_CRASH_SAFE} ({@code synchronous=NORMAL}) or
     *     {@link Durability#POWER_LOSS_SAFE} ({@code synchronous=FULL})
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Durability durability() {
        requireOpen();
        return db.options().durability();
    }

    /** Closes the reader pool and the writer connection; every store of this factory is closed too. */
    @Override
    public void close() {
        db.close();
    }

    /** @return {@code sqlite:} and the absolute directory */
    @Override
    public String toString() {
        return "SqliteSessionStoreFactory[" + db.location() + (db.isClosed() ? ", closed" : "") + "]";
    }

    Commits commits() {
        return commits;
    }

    Maintenance maintenance() {
        return maintenance;
    }

    Database database() {
        return db;
    }

    private void requireOpen() {
        if (db.isClosed()) {
            throw new StoreClosedException("sqlite session store factory (" + db.location() + ")");
        }
    }
}
