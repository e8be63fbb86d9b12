package dev.cairn.persistence.example.product;

import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.example.agent.AgentCore;
import java.util.Objects;
import java.util.Optional;

/**
 * A chat as the resume picker shows it: the app's row joined with its session.
 *
 * @param chat the app's row
 * @param model the model the session was created with
 * @param tokens the session's total tokens, every turn ever committed
 * @param head the session's head and revision
 * @param forkedAt for a fork, the node of the source it was forked at
 */
public record ChatSummary(ChatRecord chat, String model, long tokens, SessionHead head, Optional<String> forkedAt) {
    /** Validates. */
    public ChatSummary {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(forkedAt, "forkedAt");
    }

    /**
     * @param chat the app's row
     * @param meta the session's metadata
     * @param tokens the session's total tokens
     * @param head the session's head and revision
     * @return the summary, its fork node from the metadata
     */
    public static ChatSummary of(ChatRecord chat, SessionMeta meta, long tokens, SessionHead head) {
        return new ChatSummary(chat, meta.model(), tokens, head,
                Optional.ofNullable(meta.attributes().get(AgentCore.FORKED_AT)));
    }
}
