package dev.cairn.persistence.memory;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionCursor;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.VacuumReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SessionStoreFactory} that keeps every session in the JVM heap ({@link Durability#VOLATILE}).
 * It is the reference implementation of {@code docs/SPEC.md}: the fastest correct one.
 *
 * <p>{@code new MemorySessionStoreFactory()} makes a factory with a store of its own, which no other
 * factory sees. {@code SessionStores.open("memory:NAME")} makes factories that share the store named
 * {@code NAME}, which lives until the JVM exits. Closing a factory closes the stores it made, not
 * a shared store's data.
 *
 * <p>Thread-safe: operations on different sessions run in parallel; gc, vacuum and delete briefly
 * exclude everything else.
 */
public final class MemorySessionStoreFactory implements SessionStoreFactory {
    private final Backend backend;
    private volatile boolean closed;

    /** Makes a factory with a private, empty store. Does no I/O. */
    public MemorySessionStoreFactory() {
        this(Backend.createPrivate());
    }

    MemorySessionStoreFactory(Backend backend) {
        this.backend = backend;
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.InvalidRequestException if the request is invalid
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public RuntimePersistence createStore(SessionStoreCreateRequest request) {
        Objects.requireNonNull(request, "request");
        requireOpen();
        backend.shared.lock();
        try {
            return new MemoryStore(this, backend, backend.getOrCreate(request), request.policy());
        } finally {
            backend.shared.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.InvalidRequestException if the id breaks {@link Ids#RULE}
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId, StorePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        requireOpen();
        Ids.require("session id", sessionId);
        backend.shared.lock();
        try {
            return Optional.ofNullable(backend.sessions.get(sessionId))
                    .map(s -> new MemoryStore(this, backend, s, policy));
        } finally {
            backend.shared.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreCorruptedException if the stored bytes were changed behind the store's back
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Optional<byte[]> loadBlob(ContentHash hash) {
        Objects.requireNonNull(hash, "hash");
        requireOpen();
        return MemoryStore.verified(backend, hash);
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.InvalidRequestException if the cursor is not one this catalogue wrote
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public SessionPage listSessions(SessionQuery query) {
        Objects.requireNonNull(query, "query");
        requireOpen();
        Optional<SessionCursor> position = query.position();
        Iterable<SessionState> candidates = position.isPresent()
                ? backend.catalogue.tailMap(Backend.probe(position.get()), false).values()
                : backend.catalogue.values();
        List<SessionMeta> page = new ArrayList<>(Math.min(query.limit(), 64));
        boolean more = false;
        for (SessionState s : candidates) {
            SessionMeta meta = s.meta;
            if (!query.matches(meta)) {
                continue;
            }
            if (page.size() == query.limit()) {
                more = true;
                break;
            }
            page.add(meta);
        }
        Optional<String> next = more ? Optional.of(SessionCursor.after(page.get(page.size() - 1)).encode())
                : Optional.empty();
        return new SessionPage(page, next);
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public RuntimePersistence forkSession(ForkRequest request) {
        Objects.requireNonNull(request, "request");
        requireOpen();
        return new MemoryStore(this, backend, Forks.fork(backend, request), request.policy());
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.cairn.persistence.InvalidRequestException if the id breaks {@link Ids#RULE}
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public boolean deleteSession(String sessionId) {
        requireOpen();
        Ids.require("session id", sessionId);
        return Maintenance.delete(backend, sessionId);
    }

    @Override
    public GcReport gcUnreachable() {
        requireOpen();
        return Maintenance.gc(backend);
    }

    @Override
    public VacuumReport vacuum() {
        requireOpen();
        return Maintenance.vacuum(backend);
    }

    /**
     * @return {@link Durability#VOLATILE}: everything is lost when the JVM exits
     * @throws StoreClosedException if the factory is closed
     */
    @Override
    public Durability durability() {
        requireOpen();
        return Durability.VOLATILE;
    }

    /**
     * Closes this factory and every store it made. The sessions of a shared {@code memory:NAME}
     * store stay for the other factories of that name.
     */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "MemorySessionStoreFactory[" + backend.location + (closed ? ", closed" : "") + "]";
    }

    boolean isClosed() {
        return closed;
    }

    /** For tests of this module (see {@code MemoryTestAccess}): the storage behind this factory. */
    Backend backend() {
        return backend;
    }

    private void requireOpen() {
        if (closed) {
            throw new StoreClosedException("memory session store factory (" + backend.location + ")");
        }
    }
}
