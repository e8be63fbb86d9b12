package dev.cairn.persistence.memory;

import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNotFoundException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rule 20: copies the source's active path to the fork node into a new session.
 *
 * <p>Runs under the backend's read lock and the source's lock, not the exclusive lock: it reads one
 * session, and the blobs its copies reference are referenced by live nodes of the source, which gc
 * and delete cannot remove while the read lock is held. The new session is complete before it is
 * published, so no one sees it half made.
 */
final class Forks {
    private static final Logger LOG = LoggerFactory.getLogger(Forks.class);

    private Forks() {
    }

    static SessionState fork(Backend backend, ForkRequest request) {
        backend.shared.lock();
        try {
            SessionState source = backend.sessions.get(request.sourceSessionId());
            if (source == null) {
                throw new SessionNotFoundException(request.sourceSessionId());
            }
            SessionState fork;
            source.lock.lock();
            try {
                int at = source.live(request.atNodeId());
                if (at < 0) {
                    throw new InvalidRequestException("Cannot fork session " + Ids.quote(source.id) + " at "
                            + Ids.quote(request.atNodeId()) + ": it is not a live node of the session");
                }
                requireFree(backend, request.newSessionId());
                fork = copyPath(source, at, request.newSessionId());
            } finally {
                source.lock.unlock();
            }
            if (!backend.addIfAbsent(fork)) {
                requireFree(backend, request.newSessionId());
            }
            LOG.debug("Forked session {} at its node {} into {} ({} nodes)", source.id, request.atNodeId(), fork.id,
                    fork.nodes.size);
            return fork;
        } finally {
            backend.shared.unlock();
        }
    }

    private static void requireFree(Backend backend, String newSessionId) {
        if (backend.sessions.containsKey(newSessionId)) {
            throw new InvalidRequestException("Cannot fork into session " + Ids.quote(newSessionId)
                    + ": a session with this id exists; a fork needs a new session id");
        }
    }

    private static SessionState copyPath(SessionState source, int at, String newSessionId) {
        SessionMeta m = source.meta;
        SessionMeta meta = new SessionMeta(newSessionId, m.name(), m.model(), m.cwd(), Optional.of(source.id),
                Times.now(), m.attributes());
        SessionState fork = new SessionState(meta);
        NodeTable from = source.nodes;
        int[] path = new int[from.depth(at)];
        int cur = at;
        for (int i = path.length - 1; i >= 0; i--) {
            path[i] = cur;
            cur = from.parent(cur);
        }
        int parentCopy = -1;
        for (int node : path) {
            parentCopy = fork.nodes.addCopy(from, node, parentCopy, fork.nextSeq++);
            fork.added(parentCopy, fork.nodes.id(parentCopy));
        }
        fork.head = parentCopy;
        fork.headId = Optional.of(from.id(at));
        return fork;
    }
}
