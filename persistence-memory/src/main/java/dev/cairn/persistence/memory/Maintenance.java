package dev.cairn.persistence.memory;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.VacuumReport;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gc, vacuum and delete: the operations that look across every session of a backend. Each runs
 * under the backend's exclusive lock, so no commit, read or fork runs meanwhile.
 */
final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private Maintenance() {
    }

    /** Rule 16: detach tombstoned nodes, then delete the blobs no live node references. */
    static GcReport gc(Backend backend) {
        backend.exclusive.lock();
        try {
            long detached = 0;
            Set<ContentHash> referenced = new HashSet<>();
            Consumer<ContentHash> reference = referenced::add;
            for (SessionState s : backend.sessions.values()) {
                NodeTable t = s.nodes;
                for (int i = 0; i < t.size; i++) {
                    byte state = t.state(i);
                    if (state == NodeTable.TOMBSTONED) {
                        t.setState(i, NodeTable.DETACHED);
                        s.detached();
                        detached++;
                    } else if (state == NodeTable.LIVE) {
                        t.forEachBlob(i, reference);
                    }
                }
            }
            long deleted = 0;
            long bytes = 0;
            for (Iterator<Map.Entry<ContentHash, byte[]>> it = backend.blobs.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<ContentHash, byte[]> e = it.next();
                if (!referenced.contains(e.getKey())) {
                    bytes += e.getValue().length;
                    deleted++;
                    it.remove();
                }
            }
            LOG.debug("gc of {}: detached {} nodes, deleted {} blobs ({} bytes)", backend.location, detached, deleted, bytes);
            return new GcReport(detached, deleted, bytes);
        } finally {
            backend.exclusive.unlock();
        }
    }

    /** Rule 17: remove detached nodes for good; their ids become free. The ledger keeps its totals. */
    static VacuumReport vacuum(Backend backend) {
        backend.exclusive.lock();
        try {
            long removed = 0;
            long bytes = 0;
            for (SessionState s : backend.sessions.values()) {
                NodeTable t = s.nodes;
                for (int i = 0; i < t.size; i++) {
                    if (t.state(i) == NodeTable.DETACHED) {
                        bytes += t.payloadSize(i);
                    }
                }
                removed += s.compact();
            }
            LOG.debug("vacuum of {}: removed {} detached nodes ({} payload bytes)", backend.location, removed, bytes);
            return new VacuumReport(removed, bytes);
        } finally {
            backend.exclusive.unlock();
        }
    }

    /**
     * Rule 21: erase a session and the blobs that no other session references by a node that is
     * not detached.
     *
     * @return true if the session existed
     */
    static boolean delete(Backend backend, String sessionId) {
        backend.exclusive.lock();
        try {
            Optional<SessionState> removed = backend.remove(sessionId);
            if (removed.isEmpty()) {
                return false;
            }
            SessionState s = removed.get();
            Set<ContentHash> candidates = new HashSet<>();
            Consumer<ContentHash> candidate = candidates::add;
            for (int i = 0; i < s.nodes.size; i++) {
                s.nodes.forEachBlob(i, candidate);
            }
            Consumer<ContentHash> stillUsed = candidates::remove;
            for (Iterator<SessionState> it = backend.sessions.values().iterator(); it.hasNext() && !candidates.isEmpty(); ) {
                SessionState other = it.next();
                NodeTable t = other.nodes;
                for (int i = 0; i < t.size; i++) {
                    if (t.state(i) != NodeTable.DETACHED) {
                        t.forEachBlob(i, stillUsed);
                    }
                }
            }
            for (ContentHash hash : candidates) {
                backend.blobs.remove(hash);
            }
            s.erase();
            LOG.debug("Deleted session {} of {} and {} blobs only it referenced", sessionId, backend.location,
                    candidates.size());
            return true;
        } finally {
            backend.exclusive.unlock();
        }
    }
}
