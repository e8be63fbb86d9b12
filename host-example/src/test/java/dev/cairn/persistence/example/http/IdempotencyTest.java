package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.example.AgentService;
import dev.cairn.persistence.example.ServiceConfig;
import dev.cairn.persistence.example.agent.Payloads;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that retries a message with the same Idempotency-Key gets the first answer; nothing runs twice. */
class IdempotencyTest {
    @TempDir
    Path dir;

    private AgentService start() {
        return AgentService.start(ServiceConfig.parse("--store", "sqlite:" + dir, "--port", "0"), Map.of());
    }

    private static Api.Response send(Api api, String chat, String key, String text) {
        return api.send(HttpRequest.newBuilder(api.base().resolve("/api/chats/" + chat + "/messages"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(Payloads.JSON.createObjectNode().put("text", text).toString())));
    }

    private static long userInputs(Api api, String chat) {
        JsonNode nodes = api.transcript(chat, "full").path("nodes");
        long n = 0;
        for (JsonNode node : nodes) {
            n += node.path("kind").asText().equals("user_input") ? 1 : 0;
        }
        return n;
    }

    @Test
    void aRetriedPostRunsOnceAcrossARestart() {
        String chat;
        JsonNode first;
        try (AgentService service = start()) {
            Api api = new Api(service.uri());
            chat = api.createChat("retry", "ivan");
            Api.Response r1 = send(api, chat, "k-123", "note buy bread");
            assertEquals(200, r1.status(), r1.json().toString());
            first = r1.json();
            assertFalse(first.path("replayed").asBoolean());
            assertEquals("Noted as #1. Your notes: #1 buy bread.", first.path("reply").asText());
            for (int i = 0; i < 2; i++) {
                Api.Response again = send(api, chat, "k-123", "note buy bread");
                assertEquals(200, again.status());
                assertTrue(again.json().path("replayed").asBoolean());
                assertEquals(first.path("turnId"), again.json().path("turnId"));
                assertEquals(first.path("reply"), again.json().path("reply"));
                assertEquals(first.path("nodes"), again.json().path("nodes"));
                assertEquals(first.path("usage"), again.json().path("usage"));
            }
            // streamed, the retry sends the same nodes and the same answer
            List<Api.Event> events = api.stream(chat, "note buy bread", "k-123");
            assertEquals("done", events.get(events.size() - 1).event());
            assertTrue(events.get(events.size() - 1).data().path("replayed").asBoolean());
            assertEquals(first.path("nodes").size(), events.size() - 1);
            // the same key for another message is refused and changes nothing
            Api.Response other = send(api, chat, "k-123", "note something else");
            assertEquals(422, other.status());
            assertEquals("idempotency_key_reused", other.json().path("error").asText());
            assertEquals(1, userInputs(api, chat), "one turn ran");
            assertEquals(1, api.get("/api/chats/" + chat).json().path("turns").asInt(), "counted once");
        }
        try (AgentService again = start()) {
            Api api = new Api(again.uri());
            Api.Response r = send(api, chat, "k-123", "note buy bread");
            assertEquals(200, r.status());
            assertTrue(r.json().path("replayed").asBoolean());
            assertEquals(first.path("nodes"), r.json().path("nodes"));
            assertEquals(1, userInputs(api, chat), "still one turn after a restart");
            assertEquals("Your notes: #1 buy bread.", api.say(chat, "show my notes").path("reply").asText());
            assertEquals(2, api.get("/api/chats/" + chat).json().path("turns").asInt());
        }
    }
}
