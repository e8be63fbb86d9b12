package dev.cairn.persistence;

import java.time.Instant;
import java.util.Objects;

/**
 * One usage record as stored in the ledger.
 *
 * @param revision the revision of the commit that recorded it
 * @param nodeId the node it belongs to
 * @param model the model name
 * @param usage the token counts
 * @param recordedAt when the commit ran
 */
public record UsageEntry(long revision, String nodeId, String model, TokenUsage usage, Instant recordedAt) {
    /** Validates. */
    public UsageEntry {
        Ids.require("usage node id", nodeId);
        UsageRecord.requireModel(model);
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(recordedAt, "recordedAt");
    }
}
