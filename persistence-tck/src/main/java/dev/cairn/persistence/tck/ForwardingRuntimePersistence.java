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
import dev.cairn.persistence.VacuumReport;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * A store that forwards every method to another store and adds nothing of its own. Subclass it and
 * override one method to build a mutant (a store that breaks one rule, to prove that a test catches
 * it) or to inject faults: fail a commit after it went through, let another writer interfere before
 * it does, damage what a read returns, record the calls. Everything not overridden is the
 * delegate's; an override reaches the delegate through {@code super}, or through {@link #delegate()}
 * to bypass the other overrides of the subclass.
 *
 * <pre>{@code
 * RuntimePersistence spying = new ForwardingRuntimePersistence(store) {
 *     @Override
 *     public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
 *         scopes.add(scope);
 *         return super.loadSession(scope);
 *     }
 * };
 * }</pre>
 *
 * <p>To wrap every store a factory hands out, use {@link ForwardingSessionStoreFactory}. The wrapper
 * is as thread-safe as the delegate and the overrides. Its {@link #close()} closes the delegate.
 */
public class ForwardingRuntimePersistence implements RuntimePersistence {
    private final RuntimePersistence delegate;

    /**
     * @param delegate the store every method forwards to
     */
    public ForwardingRuntimePersistence(RuntimePersistence delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the store every method forwards to */
    protected final RuntimePersistence delegate() {
        return delegate;
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
