package dev.cairn.persistence.example.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlChatDirectoryTest {
    @TempDir
    Path dir;

    private static ChatRecord row(String id, String owner, long second) {
        return new ChatRecord(id, "title " + id, owner, Instant.ofEpochSecond(second, 123_456_000), 0, Optional.empty());
    }

    @Test
    void rowsSurviveAReopenAndTwoHandlesShareThem() {
        try (SqlChatDirectory a = SqlChatDirectory.open(ChatDatabase.sqliteFile(dir));
             SqlChatDirectory b = SqlChatDirectory.open(ChatDatabase.sqliteFile(dir))) {
            a.insert(row("c1", "ann", 100));
            b.insert(row("c2", "bob", 200));
            assertEquals(Optional.of(row("c2", "bob", 200)), a.find("c2"), "one handle sees the other's row");
            assertTrue(a.countTurn("c1", "t1"));
            assertFalse(b.countTurn("c1", "t1"), "a turn is counted once, by any handle");
            assertTrue(b.countTurn("c1", "t2"));
            assertEquals(2, a.find("c1").orElseThrow().turns());
        }
        try (SqlChatDirectory again = SqlChatDirectory.open(ChatDatabase.sqliteFile(dir))) {
            assertEquals(List.of("c2", "c1"), again.page(Optional.empty(), 10, Optional.empty()).stream()
                    .map(ChatRecord::chatId).toList(), "newest first");
            assertEquals(List.of("c1"), again.page(Optional.empty(), 10,
                    Optional.of(new ChatDirectory.Position(row("c2", "bob", 200).createdAt(), "c2"))).stream()
                    .map(ChatRecord::chatId).toList());
            assertEquals(List.of("c2"), again.page(Optional.of("bob"), 10, Optional.empty()).stream()
                    .map(ChatRecord::chatId).toList());
            assertTrue(again.remove("c1"));
            assertFalse(again.remove("c1"));
            assertEquals(Optional.empty(), again.find("c1"));
        }
    }

    @Test
    void anEarlierVersionsChatsFileIsImportedOnce() throws Exception {
        Files.writeString(dir.resolve(LegacyChatsFile.FILE_NAME), """
                {"version":1,"chats":[{"chatId":"chat-old","title":"groceries","owner":"alice",
                 "createdAt":"2026-11-21T10:03:52.606020190Z","turns":4},
                 {"chatId":"chat-fork","title":"milk only","owner":"alice","createdAt":"2026-11-21T10:04:23Z",
                 "turns":1,"forkedFrom":"chat-old"}]}""", StandardCharsets.UTF_8);
        try (SqlChatDirectory table = SqlChatDirectory.open(ChatDatabase.sqliteFile(dir))) {
            assertEquals(2, LegacyChatsFile.importInto(dir, table));
            assertEquals(4, table.find("chat-old").orElseThrow().turns());
            assertEquals(Optional.of("chat-old"), table.find("chat-fork").orElseThrow().forkedFrom());
            assertFalse(Files.exists(dir.resolve(LegacyChatsFile.FILE_NAME)));
            assertTrue(Files.exists(dir.resolve(LegacyChatsFile.FILE_NAME + ".imported")));
            assertEquals(0, LegacyChatsFile.importInto(dir, table), "once");
        }
    }
}
