package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.SessionNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored node as the agent shows it: its payload parsed as JSON.
 *
 * @param nodeId the node's id
 * @param parentNodeId its parent, or empty for a root
 * @param kind its kind's name
 * @param seq its position in the session's commit order
 * @param createdAt when it was committed
 * @param payload its payload as JSON
 */
public record TranscriptNode(String nodeId, Optional<String> parentNodeId, String kind, long seq, Instant createdAt,
                             JsonNode payload) {
    /** Validates. */
    public TranscriptNode {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(parentNodeId, "parentNodeId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * @param node a stored node
     * @return the node with its payload parsed
     */
    public static TranscriptNode of(SessionNode node) {
        return new TranscriptNode(node.nodeId(), node.parentNodeId(), node.kind().name(), node.seq(), node.createdAt(),
                Payloads.tree(node.payload()));
    }
}
