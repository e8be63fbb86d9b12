package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.VacuumReport;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * The store handle of one session: the session as it was when the handle was made (its internal
 * key). After a delete, reads return empty and writes throw
 * {@link dev.cairn.persistence.SessionNotFoundException} (rule 21), also when a session with the same
 * id is created again: that is another session, which this handle never reads or writes.
 */
final class JdbcStore implements RuntimePersistence {
    private final JdbcSessionStoreFactory factory;
    private final SqlDialect db;
    private final String sessionId;
    /** The internal key of the session this handle was opened on; a later session of that id has another. */
    private final long sid;
    private final StorePolicy policy;
    private final String commitWhat;
    private final Reads reads;
    private volatile boolean closed;

    JdbcStore(JdbcSessionStoreFactory factory, SqlDialect db, String sessionId, long sid, StorePolicy policy) {
        this.factory = factory;
        this.sid = sid;
        this.db = db;
        this.sessionId = sessionId;
        this.policy = policy;
        this.commitWhat = "commit to session '" + sessionId + "'";
        this.reads = factory.reads();
    }

    @Override
    public String sessionId() {
        requireOpen();
        return sessionId;
    }

    @Override
    public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
        Objects.requireNonNull(scope, "scope");
        requireOpen();
        return db.read("read session '" + sessionId + "'", c -> reads.load(c, sessionId, sid, scope));
    }

    @Override
    public Optional<SessionNode> loadNode(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        requireOpen();
        Ids.require("node id", nodeId);
        return db.read("read a node of session '" + sessionId + "'", c -> reads.loadNode(c, sessionId, sid, nodeId));
    }

    @Override
    public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
        Objects.requireNonNull(commit, "commit");
        requireOpen();
        return db.commit(sessionId, sid, policy, commit, commitWhat);
    }

    @Override
    public void saveSessionMeta(SessionMeta meta) {
        Objects.requireNonNull(meta, "meta");
        requireOpen();
        factory.maintenance().saveMeta(sessionId, sid, meta);
    }

    @Override
    public Optional<SessionMeta> loadSessionMeta() {
        requireOpen();
        return db.read("read the metadata of session '" + sessionId + "'", c -> reads.meta(c, sessionId, sid));
    }

    @Override
    public int tombstoneNodes(Collection<String> nodeIds) {
        Objects.requireNonNull(nodeIds, "nodeIds");
        requireOpen();
        return factory.maintenance().tombstone(sessionId, sid, nodeIds);
    }

    @Override
    public Optional<byte[]> loadBlob(ContentHash hash) {
        Objects.requireNonNull(hash, "hash");
        requireOpen();
        return db.read("read blob " + hash, c -> reads.loadBlob(c, hash, sid));
    }

    @Override
    public GcReport gcUnreachable() {
        requireOpen();
        return factory.maintenance().gc();
    }

    @Override
    public VacuumReport vacuum() {
        requireOpen();
        return factory.maintenance().vacuum();
    }

    @Override
    public Durability durability() {
        requireOpen();
        return db.durability();
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return Character.toUpperCase(db.scheme().charAt(0)) + db.scheme().substring(1) + "Store[" + db.location() + ", session " + sessionId + (closed ? ", closed" : "") + "]";
    }

    private void requireOpen() {
        if (closed || db.isClosed()) {
            throw new StoreClosedException("store of session '" + sessionId + "' (" + db.location() + ")");
        }
    }
}
