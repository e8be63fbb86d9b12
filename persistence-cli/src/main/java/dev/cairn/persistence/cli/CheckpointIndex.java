package dev.cairn.persistence.cli;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreCorruptedException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The checkpoint slots committed at each node. The API returns only the checkpoint resolved along a
 * path ({@code activePathTo(node)}: per slot, the nearest node that committed it), so this derives
 * the slots of each node from such reads.
 *
 * <p>It walks from every live leaf towards the root. A read of {@code activePathTo(x)} names, among
 * the nodes from {@code x} up, the deepest one that committed any slot, {@code m}; every slot
 * resolved to {@code m} is exactly {@code m}'s own set (nothing between {@code x} and {@code m}
 * shadows it), and the nodes between have none. The walk goes on from {@code m}'s parent and stops
 * at a node an earlier walk covered. So it makes one read per node that has slots plus one per
 * leaf, instead of one per node. Tombstoned nodes cannot be read that way ({@code activePathTo}
 * refuses them), so their slots are not known.
 */
final class CheckpointIndex {
    private CheckpointIndex() {
    }

    /**
     * @param store the session's store
     * @param nodes the session's nodes in commit order (from {@code fullGraph} or
     *     {@code fullGraphWithTombstones}); tombstoned ones are skipped
     * @return for each node that has slots, its slots by name (sorted); nodes in commit order
     */
    static Map<String, Map<String, CheckpointSlot>> perNode(RuntimePersistence store, List<SessionNode> nodes) {
        return perNode(store, nodes, (node, e) -> {
            throw e;
        });
    }

    /**
     * Like {@link #perNode(RuntimePersistence, List)}, but hands reads that fail verification to
     * {@code onCorrupt} and goes on.
     *
     * @param store the session's store
     * @param nodes the session's nodes in commit order
     * @param onCorrupt called with the node whose path could not be read
     * @return the slots per node
     */
    static Map<String, Map<String, CheckpointSlot>> perNode(RuntimePersistence store, List<SessionNode> nodes,
                                                            BiConsumer<SessionNode, StoreCorruptedException> onCorrupt) {
        SessionGraph graph = new SessionGraph(nodes);
        Set<String> covered = new HashSet<>();
        Map<String, Map<String, CheckpointSlot>> found = new HashMap<>();
        for (SessionNode leaf : graph.liveLeaves()) {
            String cursor = leaf.nodeId();
            while (cursor != null && !covered.contains(cursor)) {
                Optional<PersistedSessionRead> read;
                try {
                    read = store.loadSession(SessionReadScope.activePathTo(cursor));
                } catch (StoreCorruptedException e) {
                    onCorrupt.accept(graph.node(cursor).orElseThrow(), e);
                    break;
                }
                if (read.isEmpty()) {
                    break;
                }
                cursor = step(read.get(), covered, found);
            }
        }
        Map<String, Map<String, CheckpointSlot>> out = new LinkedHashMap<>();
        for (SessionNode n : nodes) {
            Map<String, CheckpointSlot> own = found.get(n.nodeId());
            if (own != null) {
                out.put(n.nodeId(), own);
            }
        }
        return out;
    }

    /** Records the deepest slot holder of one path read; returns where to read next, or null. */
    private static String step(PersistedSessionRead read, Set<String> covered,
                               Map<String, Map<String, CheckpointSlot>> found) {
        List<SessionNode> path = read.nodes();
        Map<String, Integer> depth = new HashMap<>();
        for (int i = 0; i < path.size(); i++) {
            depth.put(path.get(i).nodeId(), i);
        }
        int deepest = -1;
        for (CheckpointSlot s : read.checkpoint().slots().values()) {
            deepest = Math.max(deepest, depth.getOrDefault(s.nodeId(), -1));
        }
        for (int i = Math.max(deepest, 0); i < path.size(); i++) {
            covered.add(path.get(i).nodeId());
        }
        if (deepest < 0) {
            return null;
        }
        String holder = path.get(deepest).nodeId();
        Map<String, CheckpointSlot> own = new TreeMap<>();
        for (CheckpointSlot s : read.checkpoint().slots().values()) {
            if (s.nodeId().equals(holder)) {
                own.put(s.slot(), s);
            }
        }
        found.put(holder, own);
        return deepest == 0 ? null : path.get(deepest - 1).nodeId();
    }

    /** @return every slot of the index, flattened */
    static List<CheckpointSlot> all(Map<String, Map<String, CheckpointSlot>> index) {
        return index.values().stream().flatMap(m -> m.values().stream()).toList();
    }
}
