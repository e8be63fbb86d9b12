package dev.cairn.persistence;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored node, as reads return it.
 *
 * @param nodeId the node's id
 * @param parentNodeId its parent, or empty for a root
 * @param kind its kind
 * @param payload the payload exactly as committed; copied
 * @param attachments the blobs it refers to
 * @param seq its position in the session's commit order, from 1, increasing
 * @param createdAt when the commit that stored it ran
 * @param tombstoned true if it was tombstoned (only {@link SessionReadScope#fullGraphWithTombstones()}
 *     returns such nodes)
 * @param payloadHash the SHA-256 of the payload
 */
public record SessionNode(String nodeId, Optional<String> parentNodeId, NodeKind kind, byte[] payload,
                          List<BlobRef> attachments, long seq, Instant createdAt, boolean tombstoned,
                          ContentHash payloadHash) {

    /** Validates and copies. */
    public SessionNode {
        Ids.require("node id", nodeId);
        Objects.requireNonNull(parentNodeId, "parentNodeId");
        Objects.requireNonNull(kind, "kind");
        payload = Objects.requireNonNull(payload, "payload").clone();
        attachments = List.copyOf(Objects.requireNonNull(attachments, "attachments"));
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(payloadHash, "payloadHash");
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1, got " + seq);
        }
    }

    /** @return a copy of the payload */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** @return the payload's length in bytes, without copying it */
    public int payloadSize() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionNode n && nodeId.equals(n.nodeId) && parentNodeId.equals(n.parentNodeId)
                && kind.equals(n.kind) && Arrays.equals(payload, n.payload) && attachments.equals(n.attachments)
                && seq == n.seq && createdAt.equals(n.createdAt) && tombstoned == n.tombstoned
                && payloadHash.equals(n.payloadHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeId, parentNodeId, kind, Arrays.hashCode(payload), attachments, seq, createdAt,
                tombstoned, payloadHash);
    }

    @Override
    public String toString() {
        return "SessionNode[nodeId=" + nodeId + ", parent=" + parentNodeId.orElse("-") + ", kind=" + kind
                + ", payload=" + payload.length + " bytes, attachments=" + attachments.size() + ", seq=" + seq
                + ", createdAt=" + createdAt + (tombstoned ? ", tombstoned" : "") + "]";
    }
}
