package dev.cairn.persistence.tck;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.VacuumReport;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A factory that forwards every method to another factory and passes every store it hands out
 * ({@link #createStore}, {@link #openExisting}, {@link #forkSession}) through {@link #wrap}.
 * Subclass it and override one method to build a mutant (a factory that breaks one rule, to prove
 * that a test catches it) or to inject faults; give it a wrapping function, typically a
 * {@link ForwardingRuntimePersistence} subclass, to do the same to every store:
 *
 * <pre>{@code
 * SessionStoreFactory flaky = new ForwardingSessionStoreFactory(SessionStores.open("memory:"),
 *         store -> new ForwardingRuntimePersistence(store) {
 *             @Override
 *             public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
 *                 super.commitRuntimeState(commit);
 *                 throw new PersistenceException("connection reset after the commit was sent");
 *             }
 *         });
 * }</pre>
 *
 * <p>Everything not overridden is the delegate's; an override reaches the delegate through
 * {@code super}, or through {@link #delegate()} to bypass the other overrides and the wrapping. The
 * wrapper is as thread-safe as the delegate, the overrides and the wrapping function.
 * {@link #close()} closes the delegate, which closes the stores it made (SPEC rule 22) without
 * calling {@code close()} on their wrappers.
 */
public class ForwardingSessionStoreFactory implements SessionStoreFactory {
    private final SessionStoreFactory delegate;
    private final UnaryOperator<RuntimePersistence> wrap;

    /**
     * A factory that hands out the delegate's stores as they are.
     *
     * @param delegate the factory every method forwards to
     */
    public ForwardingSessionStoreFactory(SessionStoreFactory delegate) {
        this(delegate, UnaryOperator.identity());
    }

    /**
     * A factory that hands out the delegate's stores wrapped by a function.
     *
     * @param delegate the factory every method forwards to
     * @param wrap applied by {@link #wrap} to every store the delegate hands out
     */
    public ForwardingSessionStoreFactory(SessionStoreFactory delegate, UnaryOperator<RuntimePersistence> wrap) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.wrap = Objects.requireNonNull(wrap, "wrap");
    }

    /** @return the factory every method forwards to */
    protected final SessionStoreFactory delegate() {
        return delegate;
    }

    /**
     * Wraps a store of the delegate before {@link #createStore}, {@link #openExisting} or
     * {@link #forkSession} returns it. By default it applies the function given to the constructor
     * (the identity if none was).
     *
     * @param store a store the delegate handed out
     * @return the store to hand out instead
     */
    protected RuntimePersistence wrap(RuntimePersistence store) {
        return wrap.apply(store);
    }

    @Override
    public RuntimePersistence createStore(SessionStoreCreateRequest request) {
        return wrap(delegate.createStore(request));
    }

    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId, StorePolicy policy) {
        return delegate.openExisting(sessionId, policy).map(this::wrap);
    }

    @Override
    public SessionPage listSessions(SessionQuery query) {
        return delegate.listSessions(query);
    }

    @Override
    public RuntimePersistence forkSession(ForkRequest request) {
        return wrap(delegate.forkSession(request));
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return delegate.deleteSession(sessionId);
    }

    @Override
    public java.util.Optional<byte[]> loadBlob(dev.cairn.persistence.ContentHash hash) {
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
