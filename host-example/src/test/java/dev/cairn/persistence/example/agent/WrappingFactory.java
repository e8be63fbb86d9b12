package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A factory whose stores are wrapped by a test, e.g. to inject a concurrent writer. */
final class WrappingFactory implements SessionStoreFactory {
    private final SessionStoreFactory delegate;
    private final UnaryOperator<RuntimePersistence> wrap;

    WrappingFactory(SessionStoreFactory delegate, UnaryOperator<RuntimePersistence> wrap) {
        this.delegate = delegate;
        this.wrap = wrap;
    }

    @Override
    public RuntimePersistence createStore(SessionStoreCreateRequest request) {
        return wrap.apply(delegate.createStore(request));
    }

    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId) {
        return delegate.openExisting(sessionId).map(wrap);
    }

    @Override
    public SessionPage listSessions(SessionQuery query) {
        return delegate.listSessions(query);
    }

    @Override
    public RuntimePersistence forkSession(ForkRequest request) {
        return wrap.apply(delegate.forkSession(request));
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
