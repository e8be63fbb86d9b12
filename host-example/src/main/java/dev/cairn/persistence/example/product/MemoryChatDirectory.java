package dev.cairn.persistence.example.product;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/** A chats table in memory, for a {@code memory:} session store: both vanish together. */
public final class MemoryChatDirectory implements ChatDirectory {
    private final ConcurrentMap<String, ChatRecord> rows = new ConcurrentHashMap<>();

    @Override
    public Optional<ChatRecord> find(String chatId) {
        return Optional.ofNullable(rows.get(chatId));
    }

    @Override
    public void put(ChatRecord chat) {
        rows.put(chat.chatId(), chat);
    }

    @Override
    public Optional<ChatRecord> update(String chatId, UnaryOperator<ChatRecord> change) {
        return Optional.ofNullable(rows.computeIfPresent(chatId, (k, v) -> change.apply(v)));
    }

    @Override
    public boolean remove(String chatId) {
        return rows.remove(chatId) != null;
    }

    @Override
    public List<ChatRecord> all() {
        return List.copyOf(rows.values());
    }

    @Override
    public String description() {
        return "in memory";
    }
}
