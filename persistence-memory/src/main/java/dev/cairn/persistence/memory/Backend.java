package dev.cairn.persistence.memory;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionCursor;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The storage that one or more factories share: every session, the catalogue and the blobs.
 *
 * <p>Locking: every operation on one session takes {@link #shared} and then that session's lock,
 * so commits and reads of different sessions run in parallel. Operations that need a stable view
 * across sessions (gc, vacuum, delete) take {@link #exclusive} and no session lock: holding it,
 * nothing else runs. So gc cannot delete a blob between a commit's check that it is stored and the
 * node that references it becoming visible (rule 16). Lock order: backend, then one session.
 */
final class Backend {
    private static final ConcurrentHashMap<String, Backend> NAMED = new ConcurrentHashMap<>();

    /** {@code memory:NAME}, or {@code memory:} for a private backend; for messages. */
    final String location;
    final ConcurrentHashMap<String, SessionState> sessions = new ConcurrentHashMap<>();
    /** Sessions by their seed metadata, in catalogue order (only createdAt and id are compared). */
    final ConcurrentSkipListMap<SessionMeta, SessionState> catalogue =
            new ConcurrentSkipListMap<>(SessionCursor.NEWEST_FIRST);
    /** Blobs by the SHA-256 of their bytes; the arrays are never changed after they are stored. */
    final ConcurrentHashMap<ContentHash, byte[]> blobs = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final Lock shared = lock.readLock();
    final Lock exclusive = lock.writeLock();

    private Backend(String location) {
        this.location = location;
    }

    static Backend createPrivate() {
        return new Backend("memory:");
    }

    /** @return the backend of this name, made at first use; it lives until the JVM exits */
    static Backend named(String name) {
        return NAMED.computeIfAbsent(name, n -> new Backend("memory:" + n));
    }

    /** @return the session, created from the request's seed metadata if absent. Hold {@link #shared}. */
    SessionState getOrCreate(SessionStoreCreateRequest request) {
        SessionState s = sessions.get(request.sessionId());
        if (s != null) {
            return s;
        }
        return sessions.computeIfAbsent(request.sessionId(), id -> {
            SessionMeta meta = new SessionMeta(id, request.name(), request.model(), request.cwd(),
                    request.parentSessionId(), Times.now(), request.attributes());
            SessionState created = new SessionState(meta);
            catalogue.put(meta, created);
            return created;
        });
    }

    /** @return true if {@code state} was added under its id; false if the id is taken. Hold {@link #shared}. */
    boolean addIfAbsent(SessionState state) {
        boolean[] added = {false};
        sessions.computeIfAbsent(state.id, id -> {
            catalogue.put(state.meta, state);
            added[0] = true;
            return state;
        });
        return added[0];
    }

    /** Removes a session from the maps; the caller holds {@link #exclusive}. */
    Optional<SessionState> remove(String sessionId) {
        SessionState s = sessions.remove(sessionId);
        if (s != null) {
            catalogue.remove(s.meta);
        }
        return Optional.ofNullable(s);
    }

    /** A probe key for the catalogue, positioned at a cursor. */
    static SessionMeta probe(SessionCursor cursor) {
        return new SessionMeta(cursor.sessionId(), "", "", "", Optional.empty(), cursor.createdAt(), Map.of());
    }
}
