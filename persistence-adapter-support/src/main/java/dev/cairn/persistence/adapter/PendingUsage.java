package dev.cairn.persistence.adapter;

import dev.cairn.persistence.TokenUsage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Token usage that a framework reported before the response it belongs to was stored: held per
 * session until the update that appends that response, then committed with it. Bounded: at most
 * {@value #PER_SESSION} entries a session (the oldest are dropped) and {@value #SESSIONS} sessions.
 */
final class PendingUsage {
    static final int PER_SESSION = 64;
    static final int SESSIONS = 10_000;

    /** One report: the response it is for, the model, the counts. */
    record Entry(Object response, String model, TokenUsage tokens) {
        Entry {
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(tokens, "tokens");
        }
    }

    private final Map<String, Deque<Entry>> bySession = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Entry>> eldest) {
            return size() > SESSIONS;
        }
    };

    synchronized void add(String sessionId, Entry entry) {
        Deque<Entry> q = bySession.computeIfAbsent(sessionId, k -> new ArrayDeque<>());
        if (q.size() == PER_SESSION) {
            q.removeFirst();
        }
        q.addLast(entry);
    }

    /**
     * The entries for new responses, matched by equality, without removing them.
     *
     * @param sessionId the session
     * @param responses the responses a commit is about to append, in order
     * @return per response, its entry or null
     */
    synchronized List<Entry> match(String sessionId, List<?> responses) {
        if (responses.isEmpty()) {
            return List.of();
        }
        Deque<Entry> q = bySession.get(sessionId);
        List<Entry> out = new ArrayList<>(responses.size());
        List<Entry> taken = new ArrayList<>();
        for (Object r : responses) {
            Entry found = null;
            if (q != null) {
                for (Entry e : q) {
                    if (!taken.contains(e) && (e.response() == r || e.response().equals(r))) {
                        found = e;
                        break;
                    }
                }
            }
            if (found != null) {
                taken.add(found);
            }
            out.add(found);
        }
        return out;
    }

    /** Removes entries once the commit that carried them succeeded. */
    synchronized void remove(String sessionId, List<Entry> entries) {
        Deque<Entry> q = bySession.get(sessionId);
        if (q == null) {
            return;
        }
        for (Entry e : entries) {
            if (e != null) {
                Iterator<Entry> it = q.iterator();
                while (it.hasNext()) {
                    if (it.next() == e) {
                        it.remove();
                        break;
                    }
                }
            }
        }
        if (q.isEmpty()) {
            bySession.remove(sessionId);
        }
    }

    synchronized void forget(String sessionId) {
        bySession.remove(sessionId);
    }

    synchronized int size(String sessionId) {
        Deque<Entry> q = bySession.get(sessionId);
        return q == null ? 0 : q.size();
    }
}
