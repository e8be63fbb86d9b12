package dev.cairn.persistence.postgres;

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
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link SessionStoreFactory} on a PostgreSQL database: the tables of one schema, shared by every
 * session and by every instance of a service that opens the same location. Durable:
 * {@link Durability#POWER_LOSS_SAFE} by default, {@link Durability#PROCESS_CRASH_SAFE} with
 * {@code durability=process-crash} (or when the server runs with {@code fsync=off}).
 *
 * <p>Open it with {@code SessionStores.open("postgres://app@db:5432/agents?schema=cairn")} or, with a
 * pool the host already has, {@code new PostgresSessionStoreFactory(dataSource, PostgresOptions.DEFAULTS)}.
 * Opening creates the schema, or migrates it forward, under an advisory lock, so instances that
 * start together do it once. Close the factory at shutdown; closing it closes every store it made
 * and the pools it opened (never a host's pool).
 *
 * <p>Thread-safe, and safe across processes and machines: every promise of the SPEC holds between
 * factories on the same schema as it does within one (compare-and-set, idempotency keys, blob
 * sharing with gc and delete). Commits of different sessions run in parallel; commits of one
 * session are serialized by its row lock.
 */
public final class PostgresSessionStoreFactory implements SessionStoreFactory {
    private final Database db;
    private final Commits commits;
    private final Maintenance maintenance;
    private final Catalogue catalogue;
    private final Reads reads;

    /**
     * Connects to a server, creating or migrating the store's schema, and opens a read and a write
     * pool (HikariCP).
     *
     * @param location the server and login
     * @param options schema, durability, pool sizes, timeouts, compression level
     * @throws dev.cairn.persistence.PersistenceException if the server cannot be reached, refuses the
     *     login or the permissions are missing, saying what to check; nothing is changed
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the schema
     */
    public PostgresSessionStoreFactory(PostgresLocation location, PostgresOptions options) {
        this(Database.open(Objects.requireNonNull(location, "location"), Objects.requireNonNull(options, "options")),
                options);
    }

    /**
     * Uses a connection pool the host already has, creating or migrating the store's schema with one
     * of its connections. The pool is the host's: the factory never closes it, and the pool sizes of
     * the options are ignored. Reads set {@code REPEATABLE READ} and read-only on the connections they
     * borrow and restore them; writes use {@code READ COMMITTED}.
     *
     * @param dataSource a pool of connections to the database (pgjdbc)
     * @param options schema, durability, compression level
     * @throws dev.cairn.persistence.PersistenceException if the database cannot be used, saying why
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the schema
     */
    public PostgresSessionStoreFactory(DataSource dataSource, PostgresOptions options) {
        this(Database.open(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(options, "options")),
                options);
    }

    private PostgresSessionStoreFactory(Database db, PostgresOptions options) {
        this.db = db;
        this.commits = new Commits(db, new Codec(options.compressionLevel()));
        this.maintenance = new Maintenance(db);
        this.catalogue = new Catalogue(db);
        this.reads = new Reads(db);
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
        return new PostgresStore(this, db, request.sessionId(), sid, request.policy());
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
        return catalogue.sid(sessionId).<RuntimePersistence>map(sid -> new PostgresStore(this, db, sessionId, sid, StorePolicy.DEFAULT));
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
        return new PostgresStore(this, db, request.newSessionId(), sid, request.policy());
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
        return db.read("read blob " + hash, c -> reads().loadBlob(c, hash));
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
     * @return {@link Durability#POWER_LOSS_SAFE} ({@code synchronous_commit=on} on a server with
     *     {@code fsync=on}) or {@link Durability#PROCESS_CRASH_SAFE}
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Durability durability() {
        requireOpen();
        return db.durability();
    }

    /** Closes the pools this factory opened; every store of this factory is closed too. */
    @Override
    public void close() {
        db.close();
    }

    /** @return the location, without the password */
    @Override
    public String toString() {
        return "PostgresSessionStoreFactory[" + db.location() + (db.isClosed() ? ", closed" : "") + "]";
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

    Reads reads() {
        return reads;
    }

    private void requireOpen() {
        if (db.isClosed()) {
            throw new StoreClosedException("postgres session store factory (" + db.location() + ")");
        }
    }
}
