package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.example.AgentService;
import dev.cairn.persistence.example.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop the service and start it again on the same data directory: the chat goes on. */
class RestartTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsSqlite() {
        Assumptions.assumeTrue(SessionStores.schemes().contains("sqlite"),
                "the sqlite: provider is not on the class path: " + SessionStores.schemes());
    }

    private AgentService start() {
        return AgentService.start(ServiceConfig.parse("--store", "sqlite:" + dir, "--port", "0"), Map.of());
    }

    @Test
    void aChatSurvivesARestartAndContinues() {
        String chat;
        JsonNode before;
        String uriBefore;
        try (AgentService first = start()) {
            uriBefore = first.uri().toString();
            Api api = new Api(first.uri());
            assertEquals("PROCESS_CRASH_SAFE", api.get("/health").json().path("durability").asText());
            chat = api.createChat("resume me", "gina");
            api.say(chat, "note buy milk");
            api.say(chat, "what is 2+3?");
            before = api.transcript(chat, "active");
        }
        assertTrue(Files.isRegularFile(dir.resolve("chats.db")), "the chats table lives beside the store");

        try (AgentService second = start()) {
            Api api = new Api(second.uri());
            assertNotEquals(uriBefore, second.uri().toString(), "a new free port");
            JsonNode picker = api.get("/api/chats?owner=gina").json().path("chats");
            assertEquals(1, picker.size());
            assertEquals(chat, picker.path(0).path("id").asText());
            assertEquals("resume me", picker.path(0).path("title").asText());
            assertEquals(2, picker.path(0).path("turns").asInt());
            assertTrue(picker.path(0).path("tokens").asLong() > 0);
            assertEquals(before, api.transcript(chat, "active"), "the transcript is as it was");

            assertEquals("Your notes: #1 buy milk.", api.say(chat, "show my notes").path("reply").asText(),
                    "the notes board came back from the tool_state checkpoint");
            assertTrue(api.say(chat, "hello again").path("reply").asText()
                    .startsWith("You said \"hello again\". That is message 4 of this chat"));
            assertEquals(17, api.transcript(chat, "active").path("nodes").size());

            // fork and rewind work on the resumed chat too
            String firstTurnEnd = before.path("nodes").path(4).path("id").asText();
            String fork = api.post("/api/chats/" + chat + "/fork", "{\"nodeId\":\"" + firstTurnEnd + "\"}")
                    .json().path("id").asText();
            assertEquals(200, api.post("/api/chats/" + chat + "/rewind", "{\"nodeId\":\"" + firstTurnEnd + "\"}")
                    .status());
            assertEquals(1, api.get("/api/chats/" + chat).json().path("turns").asInt());
            assertEquals(204, api.delete("/api/chats/" + fork).status());
        }

        try (AgentService third = start()) {
            Api api = new Api(third.uri());
            JsonNode picker = api.get("/api/chats?owner=gina").json().path("chats");
            assertEquals(1, picker.size(), "the deleted fork stays deleted");
            assertEquals(5, api.transcript(chat, "active").path("nodes").size(), "the rewind was durable");
            assertEquals(17, api.transcript(chat, "full").path("nodes").size());
        }
    }
}
