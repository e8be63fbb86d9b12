package dev.cairn.persistence;

import java.util.Objects;
import java.util.Optional;

/**
 * The head of a session: its current leaf node (empty before the first head is set) and its
 * revision, which every successful commit raises by exactly one.
 *
 * @param nodeId the head node, or empty
 * @param revision the revision, from 0
 */
public record SessionHead(Optional<String> nodeId, long revision) {
    /** Validates. */
    public SessionHead {
        Objects.requireNonNull(nodeId, "nodeId");
        if (revision < 0) {
            throw new IllegalArgumentException("revision cannot be negative, got " + revision);
        }
    }
}
