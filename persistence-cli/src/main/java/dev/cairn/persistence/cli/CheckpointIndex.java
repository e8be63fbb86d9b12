package dev.cairn.persistence.cli;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreCorruptedException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The checkpoint slots committed at each node. The API returns only the checkpoint resolved along a
 * path, so this reads {@code activePathTo(node)} for each live node and keeps the slots whose
 * {@code nodeId} is that node. Tombstoned nodes cannot be read that way, so their slots are not
 * known. One read per node: cost grows with nodes times path length.
 */
final class CheckpointIndex {
    private CheckpointIndex() {
    }

    /**
     * @param store the session's store
     * @param nodes nodes of the session; tombstoned ones are skipped
     * @return for each node that has slots, its slots by name (sorted); nodes in the given order
     */
    static Map<String, Map<String, CheckpointSlot>> perNode(RuntimePersistence store, Collection<SessionNode> nodes) {
        return perNode(store, nodes, (node, e) -> {
            throw e;
        });
    }

    /**
     * Like {@link #perNode(RuntimePersistence, Collection)}, but hands reads that fail verification
     * to {@code onCorrupt} and goes on.
     *
     * @param store the session's store
     * @param nodes nodes of the session
     * @param onCorrupt called with the node whose path could not be read
     * @return the slots per node
     */
    static Map<String, Map<String, CheckpointSlot>> perNode(RuntimePersistence store, Collection<SessionNode> nodes,
                                                            BiConsumer<SessionNode, StoreCorruptedException> onCorrupt) {
        Map<String, Map<String, CheckpointSlot>> out = new LinkedHashMap<>();
        for (SessionNode n : nodes) {
            if (n.tombstoned()) {
                continue;
            }
            Optional<PersistedSessionRead> path;
            try {
                path = store.loadSession(SessionReadScope.activePathTo(n.nodeId()));
            } catch (StoreCorruptedException e) {
                onCorrupt.accept(n, e);
                continue;
            }
            path.ifPresent(read -> {
                Map<String, CheckpointSlot> own = new TreeMap<>();
                for (CheckpointSlot s : read.checkpoint().slots().values()) {
                    if (s.nodeId().equals(n.nodeId())) {
                        own.put(s.slot(), s);
                    }
                }
                if (!own.isEmpty()) {
                    out.put(n.nodeId(), own);
                }
            });
        }
        return out;
    }

    /** @return every slot of the index, flattened */
    static List<CheckpointSlot> all(Map<String, Map<String, CheckpointSlot>> index) {
        return index.values().stream().flatMap(m -> m.values().stream()).toList();
    }
}
