package dev.cairn.persistence.tck;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.GcReport;
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
import dev.cairn.persistence.VacuumReport;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kit's reference model wrapped as a provider, so that the kit can test itself: a kit that fails
 * its own model has a bug. One lock per model serializes everything.
 */
final class ModelStoreFactory implements SessionStoreFactory {
    final ModelBackend backend;
    private final List<ModelStore> stores = new CopyOnWriteArrayList<>();
    private final Runnable onClose;
    private volatile boolean closed;

    ModelStoreFactory(ModelBackend backend, Runnable onClose) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.onClose = onClose;
    }

    ModelStoreFactory(ModelBackend backend) {
        this(backend, () -> { });
    }

    void checkOpen() {
        if (closed) {
            throw new StoreClosedException("model factory");
        }
    }

    private RuntimePersistence store(String sessionId, StorePolicy policy) {
        return store(sessionId, backend.read(m -> m.incarnation(sessionId)), policy);
    }

    private RuntimePersistence store(String sessionId, long incarnation, StorePolicy policy) {
        ModelStore s = new ModelStore(this, sessionId, incarnation, policy);
        stores.add(s);
        return s;
    }

    @Override
    public RuntimePersistence createStore(SessionStoreCreateRequest request) {
        checkOpen();
        Instant now = backend.now();
        backend.write(new ModelBackend.Write<SessionMetaHolder>() {
            @Override
            public SessionMetaHolder apply(ReferenceModel m) {
                boolean created = !m.exists(request.sessionId());
                return new SessionMetaHolder(m.createStore(request, now), created);
            }

            @Override
            public byte[][] records(SessionMetaHolder r) {
                return r.created() ? new byte[][] {JournalCodec.create(request, now)} : new byte[0][];
            }
        });
        return store(request.sessionId(), request.policy());
    }

    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId, StorePolicy policy) {
        checkOpen();
        Ids.require("session id", sessionId);
        Objects.requireNonNull(policy, "policy");
        long incarnation = backend.read(m -> m.incarnation(sessionId));
        return incarnation != 0 ? Optional.of(store(sessionId, incarnation, policy)) : Optional.empty();
    }

    @Override
    public SessionPage listSessions(SessionQuery query) {
        checkOpen();
        return backend.read(m -> m.listSessions(query));
    }

    @Override
    public RuntimePersistence forkSession(ForkRequest request) {
        checkOpen();
        Instant now = backend.now();
        backend.write(new ModelBackend.Write<Object>() {
            @Override
            public Object apply(ReferenceModel m) {
                return m.forkSession(request, now);
            }

            @Override
            public byte[][] records(Object r) {
                return new byte[][] {JournalCodec.fork(request, now)};
            }
        });
        return store(request.newSessionId(), request.policy());
    }

    @Override
    public boolean deleteSession(String sessionId) {
        checkOpen();
        if (!Ids.isValid(sessionId)) {
            throw new InvalidRequestException("Invalid session id " + Ids.quote(sessionId));
        }
        return backend.write(new ModelBackend.Write<Boolean>() {
            @Override
            public Boolean apply(ReferenceModel m) {
                return m.deleteSession(sessionId);
            }

            @Override
            public byte[][] records(Boolean existed) {
                return existed ? new byte[][] {JournalCodec.delete(sessionId)} : new byte[0][];
            }
        });
    }

    @Override
    public Optional<byte[]> loadBlob(dev.cairn.persistence.ContentHash hash) {
        checkOpen();
        return backend.loadBlob(hash);
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
        if (!closed) {
            closed = true;
            stores.forEach(ModelStore::close);
            onClose.run();
        }
    }

    /** The result of createStore: the metadata and whether the session is new. */
    record SessionMetaHolder(dev.cairn.persistence.SessionMeta meta, boolean created) {
    }

    boolean isClosed() {
        return closed;
    }
}
