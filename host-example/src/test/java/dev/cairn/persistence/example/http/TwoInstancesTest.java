package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.example.AgentService;
import dev.cairn.persistence.example.ServiceConfig;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the service on one store and one chats table, with clients alternating between
 * them and two clients writing to one chat through both at once: every chat is listed by both,
 * every message is recorded once, every turn counted once, and nothing is lost.
 */
class TwoInstancesTest {
    @TempDir
    Path dir;

    @Test
    void twoInstancesOnOnePostgresDatabaseServeTheSameChats() throws Exception {
        PostgresTestServer pg = PostgresTestServer.get();
        String schema = pg.freshSchema("host_example");
        String store = pg.location(pg.database(), "schema=" + schema);
        exercise(store);
    }

    @Test
    void twoInstancesOnOneSqliteDirectoryServeTheSameChats() throws Exception {
        exercise("sqlite:" + dir);
    }

    private static void exercise(String store) throws Exception {
        try (AgentService a = AgentService.start(ServiceConfig.parse("--store", store, "--port", "0"), Map.of());
             AgentService b = AgentService.start(ServiceConfig.parse("--store", store, "--port", "0"), Map.of())) {
            Api[] apis = {new Api(a.uri()), new Api(b.uri())};
            List<String> chats = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                chats.add(apis[i % 2].createChat("chat " + i, "team"));
            }
            // clients alternate: each message goes to the other instance than the last one
            int sent = 0;
            for (int round = 0; round < 3; round++) {
                for (String chat : chats) {
                    Api api = apis[sent++ % 2];
                    JsonNode turn = api.say(chat, "note item " + round);
                    assertEquals(200, api.get("/api/chats/" + chat).status());
                    assertTrue(turn.path("reply").asText().startsWith("Noted as #" + (round + 1)), turn.toString());
                }
            }
            // two clients on one chat at once, one through each instance
            String shared = chats.get(0);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<JsonNode>> racing = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    Api api = apis[i % 2];
                    String text = "note race " + i;
                    racing.add(pool.submit(() -> api.say(shared, text)));
                }
                for (Future<JsonNode> f : racing) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            for (Api api : apis) {
                JsonNode listed = api.get("/api/chats?owner=team&limit=100").json().path("chats");
                Set<String> ids = new HashSet<>();
                listed.forEach(c -> ids.add(c.path("id").asText()));
                assertEquals(new HashSet<>(chats), ids, "both instances list every chat");
                for (JsonNode c : listed) {
                    int expected = c.path("id").asText().equals(shared) ? 9 : 3;
                    assertEquals(expected, c.path("turns").asInt(), "every turn counted once: " + c);
                }
            }
            JsonNode path = apis[1].transcript(shared, "active").path("nodes");
            List<String> said = new ArrayList<>();
            path.forEach(n -> {
                if (n.path("kind").asText().equals("user_input")) {
                    said.add(n.path("payload").path("text").asText());
                }
            });
            assertEquals(9, said.size(), "every message on the active path once: " + said);
            assertEquals(9, new HashSet<>(said).size(), said.toString());
            JsonNode board = apis[0].say(shared, "show my notes");
            assertEquals(9, board.path("reply").asText().split(";").length, "the notes board kept every note: "
                    + board.path("reply").asText());
        }
    }
}
