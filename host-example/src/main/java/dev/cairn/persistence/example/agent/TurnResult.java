package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.TokenUsage;
import java.util.List;
import java.util.Objects;

/**
 * What a turn did.
 *
 * @param chatId the session
 * @param turnId the turn's id, the prefix of its node ids and idempotency keys
 * @param reply the final text the user sees
 * @param nodes every node the turn stored, in commit order
 * @param usage the tokens the turn's model calls used
 * @param revision the session's revision after the turn's last commit
 * @param conflictRetries how many commits were retried after a revision conflict
 * @param replayed true if the turn had already run (a retry with the same idempotency key) and
 *     nothing ran now
 */
public record TurnResult(String chatId, String turnId, String reply, List<TranscriptNode> nodes, TokenUsage usage,
                         long revision, int conflictRetries, boolean replayed) {
    /** Validates and copies. */
    public TurnResult {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(turnId, "turnId");
        Objects.requireNonNull(reply, "reply");
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        Objects.requireNonNull(usage, "usage");
    }
}
