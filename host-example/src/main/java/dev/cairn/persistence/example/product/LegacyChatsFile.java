package dev.cairn.persistence.example.product;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the chats of an earlier version's {@code chats.json} into the SQL table once: each row the
 * table does not have yet is inserted, then the file is renamed {@code chats.json.imported}, so a
 * data directory made by an earlier version keeps its chats.
 */
public final class LegacyChatsFile {
    /** The earlier version's file name in the data directory. */
    public static final String FILE_NAME = "chats.json";
    private static final Logger LOG = LoggerFactory.getLogger(LegacyChatsFile.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private LegacyChatsFile() {
    }

    /**
     * @param dataDir the data directory
     * @param table the chats table
     * @return how many rows were imported (0 when there is no file)
     * @throws UncheckedIOException if the file cannot be read or renamed
     */
    public static int importInto(Path dataDir, ChatDirectory table) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        int imported = 0;
        try {
            for (JsonNode n : JSON.readTree(file.toFile()).path("chats")) {
                String id = n.path("chatId").asText("");
                if (id.isEmpty() || table.find(id).isPresent()) {
                    continue;
                }
                table.insert(new ChatRecord(id, n.path("title").asText(""), n.path("owner").asText(""),
                        SqlChatDirectory.truncate(Instant.parse(n.path("createdAt").asText())), n.path("turns").asInt(0),
                        n.hasNonNull("forkedFrom") ? Optional.of(n.get("forkedFrom").asText()) : Optional.empty()));
                imported++;
            }
            Files.move(file, dataDir.resolve(FILE_NAME + ".imported"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot import the chats of " + file, e);
        }
        LOG.info("Imported {} chats from {} into the chats table", imported, file);
        return imported;
    }
}
