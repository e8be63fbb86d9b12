package dev.cairn.persistence;

import java.util.Objects;

/**
 * The token usage a commit records for one node (one turn or model call).
 *
 * @param nodeId the node the usage belongs to (stored live, or appended in the same commit)
 * @param model the model name, 1 to 200 printable characters
 * @param usage the token counts
 */
public record UsageRecord(String nodeId, String model, TokenUsage usage) {
    /** Validates. */
    public UsageRecord {
        Ids.require("usage node id", nodeId);
        requireModel(model);
        Objects.requireNonNull(usage, "usage");
    }

    static String requireModel(String model) {
        Objects.requireNonNull(model, "model");
        boolean ok = !model.isEmpty() && model.length() <= 200;
        for (int i = 0; ok && i < model.length(); i++) {
            ok = !Character.isISOControl(model.charAt(i));
        }
        if (!ok) {
            throw new InvalidRequestException("Invalid model name " + Ids.quote(model)
                    + ": a model name is 1 to 200 characters with no control characters");
        }
        return model;
    }
}
