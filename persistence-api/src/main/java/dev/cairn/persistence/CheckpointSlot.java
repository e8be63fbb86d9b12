package dev.cairn.persistence;

import java.util.Objects;

/**
 * One slot of a resolved checkpoint: the blob holding the slot's bytes and the node it was
 * committed at. Load the bytes with {@link RuntimePersistence#loadBlob(ContentHash)}.
 *
 * @param slot the slot name ({@link Ids#RULE}), e.g. {@code tool_state}
 * @param nodeId the node that was head when the slot was committed
 * @param blob the slot's bytes, as a blob
 */
public record CheckpointSlot(String slot, String nodeId, BlobRef blob) {
    /** Validates. */
    public CheckpointSlot {
        Ids.require("checkpoint slot", slot);
        Ids.require("node id", nodeId);
        Objects.requireNonNull(blob, "blob");
    }
}
