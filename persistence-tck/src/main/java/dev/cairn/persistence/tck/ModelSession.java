package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.UsageEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** One session of the {@link ReferenceModel}: plain data, no validation. */
final class ModelSession {
    enum State { LIVE, TOMBSTONED, DETACHED }

    /** A stored node and its state; {@code node.tombstoned()} is always false, {@link #state} tells. */
    static final class Node {
        final SessionNode node;
        State state = State.LIVE;

        Node(SessionNode node) {
            this.node = node;
        }

        boolean live() {
            return state == State.LIVE;
        }

        Optional<String> parent() {
            return node.parentNodeId();
        }
    }

    /** A recorded idempotency key. */
    record Key(ContentHash fingerprint, RuntimeCommitResult result) {
    }

    SessionMeta meta;
    /** Which session of its id this is, see {@link ReferenceModel#incarnation(String)}. */
    long incarnation;
    long revision;
    Optional<String> head = Optional.empty();
    /** Every node that was not vacuumed, in commit order. */
    final LinkedHashMap<String, Node> nodes = new LinkedHashMap<>();
    /** Checkpoint slots by the node they were committed at. */
    final Map<String, TreeMap<String, BlobRef>> slots = new HashMap<>();
    /** Usage records of nodes that are still there (or were never vacuumed), in commit order. */
    final List<UsageEntry> usage = new ArrayList<>();
    /**
     * Usage records of vacuumed nodes: still in the totals, never a turn again, also not of a later
     * node that reuses the id (a reused id names another node).
     */
    final List<UsageEntry> vacuumedUsage = new ArrayList<>();
    final Map<String, Key> keys = new HashMap<>();
    long nextSeq = 1;
    /** True once vacuum removed a node: seq numbers of later nodes are the provider's choice. */
    boolean seqLoose;

    ModelSession(SessionMeta meta) {
        this.meta = meta;
    }

    boolean live(String nodeId) {
        Node n = nodes.get(nodeId);
        return n != null && n.live();
    }

    /** @return the path from a root to {@code leaf}, root first; every node on it is live */
    List<String> pathTo(String leaf) {
        List<String> path = new ArrayList<>();
        for (Optional<String> at = Optional.of(leaf); at.isPresent(); at = nodes.get(at.get()).parent()) {
            path.add(at.get());
        }
        java.util.Collections.reverse(path);
        return path;
    }

    List<String> activePath() {
        return head.map(this::pathTo).orElse(List.of());
    }

    /** @return every blob a node references, by attachment or slot, if the node's state counts */
    void references(java.util.function.Predicate<Node> counts, java.util.Set<ContentHash> out) {
        for (Node n : nodes.values()) {
            if (counts.test(n)) {
                n.node.attachments().forEach(r -> out.add(r.hash()));
                TreeMap<String, BlobRef> s = slots.get(n.node.nodeId());
                if (s != null) {
                    s.values().forEach(r -> out.add(r.hash()));
                }
            }
        }
    }
}
