package dev.cairn.persistence.example.product;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The app's chats table. Every operation is one SQL statement, so several instances of the service
 * on one database see each other's rows at once and never overwrite each other's changes.
 * Implementations are thread-safe.
 */
public interface ChatDirectory extends AutoCloseable {

    /**
     * @param chatId a chat id
     * @return its row, if any
     */
    Optional<ChatRecord> find(String chatId);

    /**
     * Inserts a new row.
     *
     * @param chat the row
     */
    void insert(ChatRecord chat);

    /**
     * Counts a turn once: a second call with the same turn id (a retried request, on any instance)
     * changes nothing.
     *
     * @param chatId the chat
     * @param turnId the turn
     * @return true if the count went up
     */
    boolean countTurn(String chatId, String turnId);

    /**
     * Sets the turn count (after a rewind or fork, recounted from the active path).
     *
     * @param chatId the chat
     * @param turns the count
     * @return the changed row, or empty if there was none
     */
    Optional<ChatRecord> setTurns(String chatId, int turns);

    /**
     * @param chatId the chat
     * @return true if a row was removed
     */
    boolean remove(String chatId);

    /**
     * A page of rows, newest first (by creation time, then id).
     *
     * @param owner only this owner's rows, if given
     * @param limit the page size
     * @param after the position of the previous page's last row, if any
     * @return up to {@code limit} rows
     */
    List<ChatRecord> page(Optional<String> owner, int limit, Optional<Position> after);

    /** @return where the rows live, for logs, without secrets */
    String description();

    /** Closes the connections. */
    @Override
    void close();

    /**
     * A row's place in the newest-first order.
     *
     * @param createdAt the row's creation time
     * @param chatId the row's id
     */
    record Position(Instant createdAt, String chatId) {
    }
}
