package dev.cairn.persistence.tck;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StorePolicy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kit's reference model wrapped as a provider, so that the kit can test itself: a kit that fails
 * its own model has a bug. One lock per model serializes everything.
 */
final class ModelStoreFactory implements SessionStoreFactory {
    final ReferenceModel model;
    private final List<ModelStore> stores = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private Instant last = Instant.EPOCH;

    ModelStoreFactory(ReferenceModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** @return a microsecond-precise instant after every earlier one of this model */
    Instant now() {
        synchronized (model) {
            Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
            last = t.isAfter(last) ? t : last.plus(1, ChronoUnit.MICROS);
            return last;
        }
    }

    void checkOpen() {
        if (closed) {
            throw new StoreClosedException("model factory");
        }
    }

    private RuntimePersistence store(String sessionId, StorePolicy policy) {
        ModelStore s = new ModelStore(this, sessionId, policy);
        stores.add(s);
        return s;
    }

    @Override
    public RuntimePersistence createStore(SessionStoreCreateRequest request) {
        checkOpen();
        Instant now = now();
        synchronized (model) {
            model.createStore(request, now);
        }
        return store(request.sessionId(), request.policy());
    }

    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId) {
        checkOpen();
        Ids.require("session id", sessionId);
        synchronized (model) {
            return model.exists(sessionId) ? Optional.of(store(sessionId, StorePolicy.DEFAULT)) : Optional.empty();
        }
    }

    @Override
    public SessionPage listSessions(SessionQuery query) {
        checkOpen();
        synchronized (model) {
            return model.listSessions(query);
        }
    }

    @Override
    public RuntimePersistence forkSession(ForkRequest request) {
        checkOpen();
        Instant now = now();
        synchronized (model) {
            model.forkSession(request, now);
        }
        return store(request.newSessionId(), request.policy());
    }

    @Override
    public boolean deleteSession(String sessionId) {
        checkOpen();
        if (!Ids.isValid(sessionId)) {
            throw new InvalidRequestException("Invalid session id " + Ids.quote(sessionId));
        }
        synchronized (model) {
            return model.deleteSession(sessionId);
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
        stores.forEach(ModelStore::close);
    }

    boolean isClosed() {
        return closed;
    }
}
