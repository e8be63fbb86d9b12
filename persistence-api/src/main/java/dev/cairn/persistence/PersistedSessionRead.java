package dev.cairn.persistence;

import java.util.List;
import java.util.Objects;

/**
 * What a read returns.
 *
 * <p>{@code checkpoint} is resolved along the path of the read: to the leaf for
 * {@link SessionReadScope#activePathTo(String)}, else to the head. {@code usage} has the session's
 * whole totals, and as turns the entries of the nodes in {@code nodes}, so a tail read of a long
 * session stays small.
 *
 * @param meta the session's metadata
 * @param head the session's head and revision when the read ran
 * @param nodes the nodes of the scope, in the scope's order
 * @param checkpoint the checkpoint resolved per slot along the read's path
 * @param usage the session's ledger
 */
public record PersistedSessionRead(SessionMeta meta, SessionHead head, List<SessionNode> nodes, Checkpoint checkpoint,
                                   UsageLedger usage) {
    /** Validates and copies. */
    public PersistedSessionRead {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(head, "head");
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(usage, "usage");
    }
}
