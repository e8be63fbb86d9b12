package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.GcReport;
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
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** One store handle of a {@link ModelStoreFactory}. */
final class ModelStore implements RuntimePersistence {
    private final ModelStoreFactory factory;
    private final ReferenceModel model;
    private final String sessionId;
    private final StorePolicy policy;
    private volatile boolean closed;

    ModelStore(ModelStoreFactory factory, String sessionId, StorePolicy policy) {
        this.factory = factory;
        this.model = factory.model;
        this.sessionId = sessionId;
        this.policy = policy;
    }

    private void checkOpen() {
        if (closed || factory.isClosed()) {
            throw new StoreClosedException("model store of session '" + sessionId + "'");
        }
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
        checkOpen();
        synchronized (model) {
            return model.loadSession(sessionId, scope);
        }
    }

    @Override
    public Optional<SessionNode> loadNode(String nodeId) {
        checkOpen();
        synchronized (model) {
            return model.loadNode(sessionId, nodeId);
        }
    }

    @Override
    public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
        checkOpen();
        Instant now = factory.now();
        synchronized (model) {
            return model.commit(sessionId, policy, commit, now);
        }
    }

    @Override
    public void saveSessionMeta(SessionMeta meta) {
        checkOpen();
        synchronized (model) {
            model.saveSessionMeta(sessionId, meta);
        }
    }

    @Override
    public Optional<SessionMeta> loadSessionMeta() {
        checkOpen();
        synchronized (model) {
            return model.loadSessionMeta(sessionId);
        }
    }

    @Override
    public int tombstoneNodes(Collection<String> nodeIds) {
        checkOpen();
        List<String> ids = List.copyOf(nodeIds);
        synchronized (model) {
            return model.tombstoneNodes(sessionId, ids);
        }
    }

    @Override
    public Optional<byte[]> loadBlob(ContentHash hash) {
        checkOpen();
        synchronized (model) {
            return model.loadBlob(hash);
        }
    }

    @Override
    public GcReport gcUnreachable() {
        checkOpen();
        synchronized (model) {
            return model.gcUnreachable();
        }
    }

    @Override
    public VacuumReport vacuum() {
        checkOpen();
        synchronized (model) {
            return model.vacuum();
        }
    }

    @Override
    public Durability durability() {
        checkOpen();
        return Durability.VOLATILE;
    }

    @Override
    public void close() {
        closed = true;
    }
}
