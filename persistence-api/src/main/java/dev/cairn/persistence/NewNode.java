package dev.cairn.persistence;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node a commit appends: an id chosen by the host, an optional parent, a kind, an opaque payload
 * and references to attachments. The payload is copied in and out.
 *
 * @param nodeId the node's id, unique within the session ({@link Ids#RULE})
 * @param parentNodeId the parent node, or empty for a root
 * @param kind the node's kind
 * @param payload the payload bytes (often JSON); copied
 * @param attachments blobs the node refers to; copied
 */
public record NewNode(String nodeId, Optional<String> parentNodeId, NodeKind kind, byte[] payload,
                      List<BlobRef> attachments) {

    /**
     * Validates and copies.
     *
     * @throws InvalidRequestException if an id is invalid or the node is its own parent
     */
    public NewNode {
        Ids.require("node id", nodeId);
        Objects.requireNonNull(parentNodeId, "parentNodeId");
        parentNodeId.ifPresent(p -> Ids.require("parent node id", p));
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        payload = payload.clone();
        attachments = List.copyOf(Objects.requireNonNull(attachments, "attachments"));
        if (parentNodeId.isPresent() && parentNodeId.get().equals(nodeId)) {
            throw new InvalidRequestException("Node " + Ids.quote(nodeId) + " cannot be its own parent");
        }
    }

    /**
     * A root node (no parent).
     *
     * @param nodeId the node's id
     * @param kind its kind
     * @param payload its payload
     * @param attachments blobs it refers to
     * @return the node
     */
    public static NewNode root(String nodeId, NodeKind kind, byte[] payload, BlobRef... attachments) {
        return new NewNode(nodeId, Optional.empty(), kind, payload, List.of(attachments));
    }

    /**
     * A child of another node.
     *
     * @param nodeId the node's id
     * @param parentNodeId its parent
     * @param kind its kind
     * @param payload its payload
     * @param attachments blobs it refers to
     * @return the node
     */
    public static NewNode child(String nodeId, String parentNodeId, NodeKind kind, byte[] payload,
                                BlobRef... attachments) {
        Objects.requireNonNull(parentNodeId, "parentNodeId");
        return new NewNode(nodeId, Optional.of(parentNodeId), kind, payload, List.of(attachments));
    }

    /**
     * A node under an optional parent: a root when {@code parentNodeId} is empty.
     *
     * @param nodeId the node's id
     * @param parentNodeId its parent, or empty
     * @param kind its kind
     * @param payload its payload
     * @param attachments blobs it refers to
     * @return the node
     */
    public static NewNode of(String nodeId, Optional<String> parentNodeId, NodeKind kind, byte[] payload,
                             BlobRef... attachments) {
        return new NewNode(nodeId, parentNodeId, kind, payload, List.of(attachments));
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

    /**
     * Copies the payload into an array of the caller's, so a store can keep it without a copy of its
     * own per node (the node keeps its private copy either way).
     *
     * @param dest where to copy to
     * @param offset the first index of {@code dest} to write
     * @throws IndexOutOfBoundsException if {@code dest} has no room for {@link #payloadSize()} bytes at {@code offset}
     */
    public void copyPayload(byte[] dest, int offset) {
        System.arraycopy(payload, 0, Objects.requireNonNull(dest, "dest"), offset, payload.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NewNode n && nodeId.equals(n.nodeId) && parentNodeId.equals(n.parentNodeId)
                && kind.equals(n.kind) && Arrays.equals(payload, n.payload) && attachments.equals(n.attachments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeId, parentNodeId, kind, Arrays.hashCode(payload), attachments);
    }

    @Override
    public String toString() {
        return "NewNode[nodeId=" + nodeId + ", parent=" + parentNodeId.orElse("-") + ", kind=" + kind
                + ", payload=" + payload.length + " bytes, attachments=" + attachments.size() + "]";
    }
}
