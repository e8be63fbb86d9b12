package dev.cairn.persistence.cli;

import dev.cairn.persistence.SessionNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parent/child structure of the nodes of one read (usually {@code fullGraphWithTombstones}),
 * children in commit order.
 */
final class SessionGraph {
    private final Map<String, SessionNode> byId = new LinkedHashMap<>();
    private final Map<String, List<SessionNode>> children = new HashMap<>();
    private final List<SessionNode> roots = new ArrayList<>();

    SessionGraph(List<SessionNode> nodesInCommitOrder) {
        for (SessionNode n : nodesInCommitOrder) {
            byId.put(n.nodeId(), n);
        }
        for (SessionNode n : nodesInCommitOrder) {
            Optional<String> parent = n.parentNodeId().filter(byId::containsKey);
            if (parent.isPresent()) {
                children.computeIfAbsent(parent.get(), k -> new ArrayList<>()).add(n);
            } else {
                roots.add(n);
            }
        }
    }

    Optional<SessionNode> node(String nodeId) {
        return Optional.ofNullable(byId.get(nodeId));
    }

    List<SessionNode> nodes() {
        return List.copyOf(byId.values());
    }

    List<SessionNode> roots() {
        return Collections.unmodifiableList(roots);
    }

    List<SessionNode> children(String nodeId) {
        return children.getOrDefault(nodeId, List.of());
    }

    /** @return the live nodes without a live child: the tips of the live branches */
    List<SessionNode> liveLeaves() {
        List<SessionNode> leaves = new ArrayList<>();
        for (SessionNode n : byId.values()) {
            if (!n.tombstoned() && children(n.nodeId()).stream().allMatch(SessionNode::tombstoned)) {
                leaves.add(n);
            }
        }
        return leaves;
    }

    /**
     * @param leafNodeId a node of the graph
     * @return the ids from its root down to it
     */
    Set<String> pathTo(String leafNodeId) {
        List<String> path = new ArrayList<>();
        SessionNode n = byId.get(leafNodeId);
        Set<String> seen = new LinkedHashSet<>();
        while (n != null && seen.add(n.nodeId())) {
            path.add(n.nodeId());
            n = n.parentNodeId().map(byId::get).orElse(null);
        }
        Collections.reverse(path);
        return new LinkedHashSet<>(path);
    }

    long liveCount() {
        return byId.values().stream().filter(n -> !n.tombstoned()).count();
    }

    long tombstonedCount() {
        return byId.values().stream().filter(SessionNode::tombstoned).count();
    }
}
