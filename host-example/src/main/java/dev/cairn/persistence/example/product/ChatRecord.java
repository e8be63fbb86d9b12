package dev.cairn.persistence.example.product;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A row of the app's chats table. The chat id is also the Cairn session id.
 *
 * @param chatId the chat's id
 * @param title its title
 * @param owner who owns it
 * @param createdAt when it was created
 * @param turns how many user messages its active path holds
 * @param forkedFrom the chat it was forked from, if any
 */
public record ChatRecord(String chatId, String title, String owner, Instant createdAt, int turns,
                         Optional<String> forkedFrom) {
    /** Validates. */
    public ChatRecord {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(forkedFrom, "forkedFrom");
        if (turns < 0) {
            throw new IllegalArgumentException("turns cannot be negative");
        }
    }

    /**
     * @param turns the new count
     * @return a copy with another turn count
     */
    public ChatRecord withTurns(int turns) {
        return new ChatRecord(chatId, title, owner, createdAt, turns, forkedFrom);
    }
}
