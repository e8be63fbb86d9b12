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
    private final ModelBackend backend;
    private final String sessionId;
    private final StorePolicy policy;
    /** The session this handle was opened on (rule 21: a later session of the same id is another). */
    private final long incarnation;
    private volatile boolean closed;

    ModelStore(ModelStoreFactory factory, String sessionId, long incarnation, StorePolicy policy) {
        this.factory = factory;
        this.incarnation = incarnation;
        this.backend = factory.backend;
        this.sessionId = sessionId;
        this.policy = policy;
    }

    private void checkOpen() {
        if (closed || factory.isClosed()) {
            throw new StoreClosedException("model store of session '" + sessionId + "'");
        }
    }

    private boolean mine(ReferenceModel m) {
        return m.incarnation(sessionId) == incarnation;
    }

    private void requireMine(ReferenceModel m) {
        if (!mine(m)) {
            throw new dev.cairn.persistence.SessionNotFoundException(sessionId);
        }
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
        checkOpen();
        return backend.read(m -> mine(m) ? m.loadSession(sessionId, scope) : Optional.empty());
    }

    @Override
    public Optional<SessionNode> loadNode(String nodeId) {
        checkOpen();
        return backend.read(m -> mine(m) ? m.loadNode(sessionId, nodeId) : Optional.empty());
    }

    @Override
    public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
        checkOpen();
        Instant now = backend.now();
        return backend.write(new ModelBackend.Write<RuntimeCommitResult>() {
            @Override
            public RuntimeCommitResult apply(ReferenceModel m) {
                requireMine(m);
                return m.commit(sessionId, policy, commit, now);
            }

            @Override
            public byte[][] records(RuntimeCommitResult r) {
                return r.replayed() ? new byte[0][] : JournalCodec.commit(sessionId, policy, commit, now);
            }
        });
    }

    @Override
    public void saveSessionMeta(SessionMeta meta) {
        checkOpen();
        backend.write(new ModelBackend.Write<Boolean>() {
            @Override
            public Boolean apply(ReferenceModel m) {
                requireMine(m);
                m.saveSessionMeta(sessionId, meta);
                return true;
            }

            @Override
            public byte[][] records(Boolean r) {
                return new byte[][] {JournalCodec.meta(sessionId, meta)};
            }
        });
    }

    @Override
    public Optional<SessionMeta> loadSessionMeta() {
        checkOpen();
        return backend.read(m -> mine(m) ? m.loadSessionMeta(sessionId) : Optional.empty());
    }

    @Override
    public int tombstoneNodes(Collection<String> nodeIds) {
        checkOpen();
        List<String> ids = List.copyOf(nodeIds);
        return backend.write(new ModelBackend.Write<Integer>() {
            @Override
            public Integer apply(ReferenceModel m) {
                requireMine(m);
                return m.tombstoneNodes(sessionId, ids);
            }

            @Override
            public byte[][] records(Integer n) {
                return n > 0 ? new byte[][] {JournalCodec.tombstone(sessionId, ids)} : new byte[0][];
            }
        });
    }

    @Override
    public Optional<byte[]> loadBlob(ContentHash hash) {
        checkOpen();
        return backend.loadBlob(m -> mine(m) ? m.loadBlob(sessionId, hash) : Optional.empty(), hash);
    }

    @Override
    public GcReport gcUnreachable() {
        checkOpen();
        return backend.gc();
    }

    @Override
    public VacuumReport vacuum() {
        checkOpen();
        return backend.vacuum();
    }

    @Override
    public Durability durability() {
        checkOpen();
        return backend.durability();
    }

    @Override
    public void close() {
        closed = true;
    }
}
