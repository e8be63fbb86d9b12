package dev.cairn.persistence.example.product;

import dev.cairn.persistence.SessionHead;
import java.util.Objects;

/**
 * A chat as the resume picker shows it: the app's row joined with its session.
 *
 * @param chat the app's row
 * @param model the model the session was created with
 * @param tokens the session's total tokens, every turn ever committed
 * @param head the session's head and revision
 */
public record ChatSummary(ChatRecord chat, String model, long tokens, SessionHead head) {
    /** Validates. */
    public ChatSummary {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(head, "head");
    }
}
