package dev.cairn.persistence.example.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileChatDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void rowsSurviveReopeningAndTheFileIsReplacedWhole() throws Exception {
        ChatRecord a = new ChatRecord("chat-a", "A", "me", Instant.parse("2026-01-01T00:00:00Z"), 0, Optional.empty());
        ChatRecord b = new ChatRecord("chat-b", "B \"quoted\"", "me", Instant.parse("2026-01-02T00:00:00Z"), 3,
                Optional.of("chat-a"));
        FileChatDirectory d = new FileChatDirectory(dir);
        d.put(a);
        d.put(b);
        assertEquals(Optional.of(a.withTurns(1)), d.update("chat-a", r -> r.withTurns(r.turns() + 1)));
        assertEquals(Optional.empty(), d.update("nope", r -> r));
        assertTrue(Files.exists(dir.resolve(FileChatDirectory.FILE_NAME)));
        assertFalse(Files.exists(dir.resolve(FileChatDirectory.FILE_NAME + ".tmp")), "no temp file left behind");

        FileChatDirectory reopened = new FileChatDirectory(dir);
        assertEquals(Optional.of(a.withTurns(1)), reopened.find("chat-a"));
        assertEquals(Optional.of(b), reopened.find("chat-b"));
        assertTrue(reopened.remove("chat-a"));
        assertFalse(reopened.remove("chat-a"));
        assertEquals(1, new FileChatDirectory(dir).all().size());
    }
}
