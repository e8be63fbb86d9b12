package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.VacuumReport;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's {@link SessionStoreFactory}: sessions, catalogue, forks, delete, reads, maintenance
 * and the stores, over a {@link SqlDialect} that a provider's public factory passes in. Everything a
 * user of a SQL provider calls runs here, in the same steps for every dialect.
 */
public abstract class JdbcSessionStoreFactory implements SessionStoreFactory {
    private final SqlDialect db;
    private final Maintenance maintenance;
    private final Catalogue catalogue;
    private final Reads reads;

    /**
     * @param dialect the database, opened (connected and migrated) by the provider
     */
    protected JdbcSessionStoreFactory(SqlDialect dialect) {
        this.db = dialect;
        this.maintenance = new Maintenance(dialect);
        this.catalogue = new Catalogue(dialect);
        this.reads = new Reads(dialect);
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
        return new JdbcStore(this, db, request.sessionId(), sid, request.policy());
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.InvalidRequestException if the id breaks {@link Ids#RULE}
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId, StorePolicy policy) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(policy, "policy");
        requireOpen();
        Ids.require("session id", sessionId);
        return catalogue.sid(sessionId).<RuntimePersistence>map(sid -> new JdbcStore(this, db, sessionId, sid, policy));
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
        return new JdbcStore(this, db, request.newSessionId(), sid, request.policy());
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
     * @return the tier the dialect promises
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Durability durability() {
        requireOpen();
        return db.durability();
    }

    /** Closes what the dialect opened (never a host's pool); every store of this factory is closed too. */
    @Override
    public void close() {
        db.close();
    }

    /** @return the provider's factory and its location, without secrets */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + db.location() + (db.isClosed() ? ", closed" : "") + "]";
    }

    Maintenance maintenance() {
        return maintenance;
    }

    Reads reads() {
        return reads;
    }

    private void requireOpen() {
        if (db.isClosed()) {
            throw new StoreClosedException(db.scheme() + " session store factory (" + db.location() + ")");
        }
    }
}
