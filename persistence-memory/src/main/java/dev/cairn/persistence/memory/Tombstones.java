package dev.cairn.persistence.memory;

import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

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
        NodeTable t = s.nodes;
        List<Integer> targets = new ArrayList<>(nodeIds.size());
        for (String id : nodeIds) {
            Ids.require("node id to tombstone", Objects.requireNonNull(id, "nodeIds element"));
            int node = s.node(id);
            if (node < 0 || t.state(node) == NodeTable.DETACHED) {
                throw new InvalidRequestException("Cannot tombstone " + Ids.quote(id) + ": it is "
                        + (node < 0 ? "not a node" : "a detached node") + " of session " + Ids.quote(s.id)
                        + "; only live or tombstoned nodes can be tombstoned");
            }
            targets.add(node);
        }
        if (targets.isEmpty()) {
            return 0;
        }
        boolean[] activePath = new boolean[t.size];
        for (int n = s.head; n >= 0; n = t.parent(n)) {
            activePath[n] = true;
        }
        boolean[] marked = new boolean[t.size];
        for (int target : targets) {
            if (activePath[target]) {
                throw new InvalidRequestException("Cannot tombstone " + Ids.quote(t.id(target)) + ": it is on the active"
                        + " path of head " + Ids.quote(s.headId.orElse("")) + " in session " + Ids.quote(s.id)
                        + "; move the head to another branch first");
            }
            marked[target] = true;
        }
        // Parents come before children in commit order, so one pass finds every descendant.
        int count = 0;
        for (int i = 0; i < t.size; i++) {
            byte state = t.state(i);
            if (state == NodeTable.DETACHED) {
                continue;
            }
            int parent = t.parent(i);
            if (marked[i] || (parent >= 0 && marked[parent])) {
                marked[i] = true;
                if (state == NodeTable.LIVE) {
                    t.setState(i, NodeTable.TOMBSTONED);
                    count++;
                }
            }
        }
        return count;
    }
}
