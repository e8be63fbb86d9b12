package dev.cairn.persistence.memory;

import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Rule 15: tombstone nodes and their descendants, all or nothing. */
final class Tombstones {
    private Tombstones() {
    }

    /**
     * Tombstones. The caller holds the backend's read lock and the session's lock.
     *
     * @return how many nodes were newly tombstoned
     */
    static int tombstone(SessionState s, Collection<String> nodeIds) {
        List<Node> targets = new ArrayList<>(nodeIds.size());
        for (String id : nodeIds) {
            Ids.require("node id to tombstone", Objects.requireNonNull(id, "nodeIds element"));
            Node node = s.node(id);
            if (node == null || node.state == Node.DETACHED) {
                throw new InvalidRequestException("Cannot tombstone " + Ids.quote(id) + ": it is "
                        + (node == null ? "not a node" : "a detached node") + " of session " + Ids.quote(s.id)
                        + "; only live or tombstoned nodes can be tombstoned");
            }
            targets.add(node);
        }
        if (targets.isEmpty()) {
            return 0;
        }
        Set<Node> activePath = new HashSet<>();
        for (Node n = s.head; n != null; n = n.parent) {
            activePath.add(n);
        }
        Set<Node> marked = new HashSet<>(targets);
        for (Node target : targets) {
            if (activePath.contains(target)) {
                throw new InvalidRequestException("Cannot tombstone " + Ids.quote(target.id) + ": it is on the active path"
                        + " of head " + Ids.quote(s.headId.orElse("")) + " in session " + Ids.quote(s.id)
                        + "; move the head to another branch first");
            }
        }
        // Parents come before children in commit order, so one pass finds every descendant.
        int count = 0;
        for (int i = 0; i < s.size; i++) {
            Node node = s.nodes[i];
            if (node.state == Node.DETACHED) {
                continue;
            }
            if (marked.contains(node) || (node.parent != null && marked.contains(node.parent))) {
                marked.add(node);
                if (node.isLive()) {
                    node.state = Node.TOMBSTONED;
                    count++;
                }
            }
        }
        return count;
    }
}
