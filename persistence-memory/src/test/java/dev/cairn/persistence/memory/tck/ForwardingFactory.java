package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import java.util.Optional;

/** A factory that forwards every call; mutants override the promise they break. */
class ForwardingFactory implements SessionStoreFactory {
    final SessionStoreFactory delegate;

    ForwardingFactory(SessionStoreFactory delegate) {
        this.delegate = delegate;
    }

    /** Wraps every store the factory hands out; the default forwards everything. */
    RuntimePersistence wrap(RuntimePersistence store) {
        return new ForwardingStore(store);
    }

    @Override
    public RuntimePersistence createStore(SessionStoreCreateRequest request) {
        return wrap(delegate.createStore(request));
    }

    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId) {
        return delegate.openExisting(sessionId).map(this::wrap);
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
    public Durability durability() {
        return delegate.durability();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
