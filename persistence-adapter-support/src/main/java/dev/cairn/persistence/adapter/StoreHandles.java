package dev.cairn.persistence.adapter;

import dev.cairn.persistence.RuntimePersistence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Open store handles by session id, for an adapter whose every write opens the same session again:
 * a bounded cache (the least recently used handle is dropped and closed) that saves the catalogue
 * lookup of {@code openExisting} or {@code createStore} per write.
 *
 * <p>A handle belongs to the session it was opened on, not to its id (SPEC rule 21): after another
 * instance deleted the session, and maybe created a new one with the id, a cached handle's writes
 * fail with {@link dev.cairn.persistence.SessionNotFoundException} and its reads are empty. So a
 * cached handle is only good for a write that fails when it is stale, a compare-and-set commit: on
 * {@code SessionNotFoundException}, an empty read, or {@link dev.cairn.persistence.StoreClosedException}
 * (the handle was dropped and closed by another thread), {@link #forget} it and redo the step on the
 * handle {@link #get} opens then. A commit that threw wrote nothing (rule 1), and the fresh handle
 * answers as an uncached one would. Thread-safe.
 */
public final class StoreHandles implements AutoCloseable {
    private final int max;
    private final Map<String, RuntimePersistence> open;

    /**
     * @param max at most how many handles are kept open, at least 1
     * @throws IllegalArgumentException if {@code max} is below 1
     */
    public StoreHandles(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one handle must be kept, was " + max);
        }
        this.max = max;
        this.open = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * The cached handle of a session id, else the one {@code opener} gives (kept for the next call).
     *
     * @param sessionId the session id
     * @param opener opens the session, e.g. {@code () -> factory.openExisting(id)}; called without a lock
     * @return the handle, or empty when there is none cached and the opener gives none
     */
    public Optional<RuntimePersistence> get(String sessionId, Supplier<Optional<RuntimePersistence>> opener) {
        synchronized (open) {
            RuntimePersistence cached = open.get(sessionId);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        Optional<RuntimePersistence> opened = opener.get();
        if (opened.isEmpty()) {
            return opened;
        }
        List<RuntimePersistence> dropped = new ArrayList<>(1);
        RuntimePersistence kept;
        synchronized (open) {
            kept = open.putIfAbsent(sessionId, opened.get());
            if (kept != null) {
                dropped.add(opened.get()); // another thread opened it meanwhile: use that one
            } else {
                kept = opened.get();
                var eldest = open.entrySet().iterator();
                while (open.size() > max) {
                    dropped.add(eldest.next().getValue());
                    eldest.remove();
                }
            }
        }
        dropped.forEach(RuntimePersistence::close);
        return Optional.of(kept);
    }

    /**
     * Drops and closes {@code handle} if it is the one cached for the id (a handle another thread
     * put there since stays).
     *
     * @param sessionId the session id
     * @param handle the handle that turned out stale
     */
    public void forget(String sessionId, RuntimePersistence handle) {
        boolean removed;
        synchronized (open) {
            removed = open.remove(sessionId, handle);
        }
        if (removed) {
            handle.close();
        }
    }

    /** Closes and drops every handle kept. */
    @Override
    public void close() {
        List<RuntimePersistence> all;
        synchronized (open) {
            all = new ArrayList<>(open.values());
            open.clear();
        }
        all.forEach(RuntimePersistence::close);
    }
}
