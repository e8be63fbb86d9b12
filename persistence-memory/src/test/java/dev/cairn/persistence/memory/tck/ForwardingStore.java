package dev.cairn.persistence.memory.tck;

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
import dev.cairn.persistence.VacuumReport;
import java.util.Collection;
import java.util.Optional;

/** A store that forwards every call; mutants override the promise they break. */
class ForwardingStore implements RuntimePersistence {
    final RuntimePersistence delegate;

    ForwardingStore(RuntimePersistence delegate) {
        this.delegate = delegate;
    }

    @Override
    public String sessionId() {
        return delegate.sessionId();
    }

    @Override
    public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
        return delegate.loadSession(scope);
    }

    @Override
    public Optional<SessionNode> loadNode(String nodeId) {
        return delegate.loadNode(nodeId);
    }

    @Override
    public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
        return delegate.commitRuntimeState(commit);
    }

    @Override
    public void saveSessionMeta(SessionMeta meta) {
        delegate.saveSessionMeta(meta);
    }

    @Override
    public Optional<SessionMeta> loadSessionMeta() {
        return delegate.loadSessionMeta();
    }

    @Override
    public int tombstoneNodes(Collection<String> nodeIds) {
        return delegate.tombstoneNodes(nodeIds);
    }

    @Override
    public Optional<byte[]> loadBlob(ContentHash hash) {
        return delegate.loadBlob(hash);
    }

    @Override
    public GcReport gcUnreachable() {
        return delegate.gcUnreachable();
    }

    @Override
    public VacuumReport vacuum() {
        return delegate.vacuum();
    }

    @Override
    public Durability durability() {
        return delegate.durability();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
