package dev.cairn.persistence.cli.testing;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import java.util.Optional;

/** Delegates to a real factory and wraps its stores in {@link CorruptingStore}. */
final class CorruptingFactory implements SessionStoreFactory {
    private final SessionStoreFactory delegate;
    private final Optional<ContentHash> blob;
    private final Optional<String> payload;

    CorruptingFactory(SessionStoreFactory delegate, Optional<ContentHash> blob, Optional<String> payload) {
        this.delegate = delegate;
        this.blob = blob;
        this.payload = payload;
    }

    private RuntimePersistence wrap(RuntimePersistence store) {
        return new CorruptingStore(store, blob, payload);
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
