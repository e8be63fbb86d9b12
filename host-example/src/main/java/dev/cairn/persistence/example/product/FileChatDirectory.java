package dev.cairn.persistence.example.product;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The chats table as one JSON file ({@value #FILE_NAME}) in the data directory, held in memory and
 * rewritten whole on every change: written to a temporary file, forced to disk, then moved over the
 * old one atomically, so a crash leaves the old table or the new one, never half of one.
 *
 * <p>The honest trade-off: simple, no extra dependency, and fine for the hundreds of chats a demo
 * has; every change costs a rewrite of the whole table, so a real product would use a database.
 */
public final class FileChatDirectory implements ChatDirectory {
    /** The file's name in the data directory. */
    public static final String FILE_NAME = "chats.json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Path temp;
    private final Map<String, ChatRecord> rows = new LinkedHashMap<>();

    /**
     * Opens the table, creating the directory if needed.
     *
     * @param dataDir the data directory
     * @throws UncheckedIOException if the directory or the file cannot be read
     */
    public FileChatDirectory(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            this.file = dataDir.resolve(FILE_NAME);
            this.temp = dataDir.resolve(FILE_NAME + ".tmp");
            if (Files.exists(file)) {
                for (JsonNode n : JSON.readTree(file.toFile()).path("chats")) {
                    ChatRecord r = fromJson(n);
                    rows.put(r.chatId(), r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the chats table in " + dataDir, e);
        }
    }

    @Override
    public synchronized Optional<ChatRecord> find(String chatId) {
        return Optional.ofNullable(rows.get(chatId));
    }

    @Override
    public synchronized void put(ChatRecord chat) {
        ChatRecord old = rows.put(chat.chatId(), chat);
        save(() -> restore(chat.chatId(), old));
    }

    @Override
    public synchronized Optional<ChatRecord> update(String chatId, UnaryOperator<ChatRecord> change) {
        ChatRecord old = rows.get(chatId);
        if (old == null) {
            return Optional.empty();
        }
        ChatRecord now = change.apply(old);
        rows.put(chatId, now);
        save(() -> restore(chatId, old));
        return Optional.of(now);
    }

    @Override
    public synchronized boolean remove(String chatId) {
        ChatRecord old = rows.remove(chatId);
        if (old == null) {
            return false;
        }
        save(() -> restore(chatId, old));
        return true;
    }

    @Override
    public synchronized List<ChatRecord> all() {
        return List.copyOf(rows.values());
    }

    @Override
    public String description() {
        return file.toString();
    }

    private void restore(String chatId, ChatRecord old) {
        if (old == null) {
            rows.remove(chatId);
        } else {
            rows.put(chatId, old);
        }
    }

    private void save(Runnable undo) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode chats = root.putArray("chats");
        new ArrayList<>(rows.values()).forEach(r -> chats.add(toJson(r)));
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            undo.run();
            throw new UncheckedIOException("Cannot write the chats table " + file, e);
        }
    }

    private static ObjectNode toJson(ChatRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("chatId", r.chatId());
        n.put("title", r.title());
        n.put("owner", r.owner());
        n.put("createdAt", r.createdAt().toString());
        n.put("turns", r.turns());
        r.forkedFrom().ifPresent(f -> n.put("forkedFrom", f));
        return n;
    }

    private static ChatRecord fromJson(JsonNode n) {
        return new ChatRecord(n.path("chatId").asText(), n.path("title").asText(""), n.path("owner").asText(""),
                Instant.parse(n.path("createdAt").asText()), n.path("turns").asInt(0),
                n.hasNonNull("forkedFrom") ? Optional.of(n.get("forkedFrom").asText()) : Optional.empty());
    }
}
