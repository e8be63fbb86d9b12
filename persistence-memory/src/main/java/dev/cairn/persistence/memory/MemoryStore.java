package dev.cairn.persistence.memory;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.VacuumReport;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * The store handle of one session: the session as it was when the handle was made. After a delete,
 * reads return empty and writes throw {@link SessionNotFoundException} (rule 21), also when a
 * session with the same id is created again: that is another session, which this handle never reads
 * or writes.
 */
final class MemoryStore implements RuntimePersistence {
    private final MemorySessionStoreFactory factory;
    private final Backend backend;
    private final String sessionId;
    private final StorePolicy policy;
    /** The session of this handle; once deleted, it stays deleted. */
    private final SessionState state;
    private volatile boolean closed;

    MemoryStore(MemorySessionStoreFactory factory, Backend backend, SessionState state, StorePolicy policy) {
        this.factory = factory;
        this.backend = backend;
        this.sessionId = state.id;
        this.state = state;
        this.policy = policy;
    }

    @Override
    public String sessionId() {
        requireOpen();
        return sessionId;
    }

    @Override
    public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
        Objects.requireNonNull(scope, "scope");
        requireOpen();
        backend.shared.lock();
        try {
            SessionState s = current();
            if (s == null) {
                return Optional.empty();
            }
            s.lock.lock();
            try {
                return Optional.of(Reads.read(s, scope));
            } finally {
                s.lock.unlock();
            }
        } finally {
            backend.shared.unlock();
        }
    }

    @Override
    public Optional<SessionNode> loadNode(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        requireOpen();
        Ids.require("node id", nodeId);
        backend.shared.lock();
        try {
            SessionState s = current();
            if (s == null) {
                return Optional.empty();
            }
            s.lock.lock();
            try {
                int node = s.live(nodeId);
                return node < 0 ? Optional.empty() : Optional.of(s.nodes.view(node));
            } finally {
                s.lock.unlock();
            }
        } finally {
            backend.shared.unlock();
        }
    }

    @Override
    public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
        Objects.requireNonNull(commit, "commit");
        requireOpen();
        // Hashing the content for the key is the costly part; do it before taking any lock.
        ContentHash fingerprint = commit.idempotencyKey().isPresent() ? commit.fingerprint() : null;
        backend.shared.lock();
        try {
            SessionState s = existing();
            s.lock.lock();
            try {
                return Committer.commit(s, backend.blobs, policy, commit, fingerprint);
            } finally {
                s.lock.unlock();
            }
        } finally {
            backend.shared.unlock();
        }
    }

    @Override
    public void saveSessionMeta(SessionMeta meta) {
        Objects.requireNonNull(meta, "meta");
        requireOpen();
        backend.shared.lock();
        try {
            SessionState s = existing();
            s.lock.lock();
            try {
                SessionMeta old = s.meta;
                requireSame("session id", old.sessionId(), meta.sessionId());
                requireSame("parent session id", old.parentSessionId(), meta.parentSessionId());
                requireSame("creation time", old.createdAt(), meta.createdAt());
                s.meta = meta;
            } finally {
                s.lock.unlock();
            }
        } finally {
            backend.shared.unlock();
        }
    }

    @Override
    public Optional<SessionMeta> loadSessionMeta() {
        requireOpen();
        backend.shared.lock();
        try {
            SessionState s = current();
            return s == null ? Optional.empty() : Optional.of(s.meta);
        } finally {
            backend.shared.unlock();
        }
    }

    @Override
    public int tombstoneNodes(Collection<String> nodeIds) {
        Objects.requireNonNull(nodeIds, "nodeIds");
        requireOpen();
        backend.shared.lock();
        try {
            SessionState s = existing();
            s.lock.lock();
            try {
                return Tombstones.tombstone(s, nodeIds);
            } finally {
                s.lock.unlock();
            }
        } finally {
            backend.shared.unlock();
        }
    }

    @Override
    public Optional<byte[]> loadBlob(ContentHash hash) {
        Objects.requireNonNull(hash, "hash");
        requireOpen();
        boolean mine;
        backend.shared.lock();
        try {
            SessionState s = current();
            if (s == null) {
                return Optional.empty();
            }
            s.lock.lock();
            try {
                mine = s.references(hash); // rule 13: only blobs of this session
            } finally {
                s.lock.unlock();
            }
        } finally {
            backend.shared.unlock();
        }
        return mine ? verified(backend, hash) : Optional.empty();
    }

    /** @return the verified copy of a stored blob; the caller holds the backend's read lock or none */
    static Optional<byte[]> verified(Backend backend, ContentHash hash) {
        byte[] stored = backend.blobs.get(hash);
        if (stored == null) {
            return Optional.empty();
        }
        // Verify the copy the caller gets, so nothing that changes after the check can reach it.
        byte[] copy = stored.clone();
        if (!hash.matches(copy)) {
            throw new StoreCorruptedException("Blob " + hash + " of " + backend.location
                    + " does not hash to its key; the in-memory store was changed behind its back");
        }
        return Optional.of(copy);
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

    @Override
    public Durability durability() {
        requireOpen();
        return Durability.VOLATILE;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "MemoryStore[" + backend.location + ", session " + sessionId + (closed ? ", closed" : "") + "]";
    }

    private void requireOpen() {
        if (closed || factory.isClosed()) {
            throw new StoreClosedException("store of session '" + sessionId + "' (" + backend.location + ")");
        }
    }

    /** @return the session of this handle, or null once it was deleted. Hold the backend's read lock. */
    private SessionState current() {
        return state.deleted ? null : state;
    }

    private SessionState existing() {
        SessionState s = current();
        if (s == null) {
            throw new SessionNotFoundException(sessionId);
        }
        return s;
    }

    private void requireSame(String what, Object stored, Object given) {
        if (!stored.equals(given)) {
            throw new InvalidRequestException("Cannot change the " + what + " in the metadata of session '" + sessionId
                    + "' from " + show(stored) + " to " + show(given)
                    + ": saveSessionMeta replaces only name, model, cwd and attributes");
        }
    }

    private static String show(Object value) {
        return value instanceof Optional<?> o ? o.map(v -> "'" + v + "'").orElse("none") : "'" + value + "'";
    }
}
