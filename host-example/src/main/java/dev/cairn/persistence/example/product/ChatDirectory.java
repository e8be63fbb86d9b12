package dev.cairn.persistence.example.product;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The app's chats table. Implementations are thread-safe.
 */
public interface ChatDirectory {

    /**
     * @param chatId a chat id
     * @return its row, if any
     */
    Optional<ChatRecord> find(String chatId);

    /**
     * Inserts or replaces a row.
     *
     * @param chat the row
     */
    void put(ChatRecord chat);

    /**
     * Changes a row atomically.
     *
     * @param chatId the chat
     * @param change the change
     * @return the changed row, or empty if there was none
     */
    Optional<ChatRecord> update(String chatId, UnaryOperator<ChatRecord> change);

    /**
     * @param chatId the chat
     * @return true if a row was removed
     */
    boolean remove(String chatId);

    /** @return every row */
    List<ChatRecord> all();

    /** @return where the rows live, for logs */
    String description();
}
