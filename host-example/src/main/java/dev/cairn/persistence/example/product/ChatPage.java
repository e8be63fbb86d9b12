package dev.cairn.persistence.example.product;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of the resume picker, newest first.
 *
 * @param chats the chats
 * @param nextCursor the cursor of the next page, if there is one
 */
public record ChatPage(List<ChatSummary> chats, Optional<String> nextCursor) {
    /** Validates and copies. */
    public ChatPage {
        chats = List.copyOf(chats);
        Objects.requireNonNull(nextCursor, "nextCursor");
    }
}
