package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.example.AgentService;
import dev.cairn.persistence.example.ServiceConfig;
import dev.cairn.persistence.example.agent.Payloads;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API over real HTTP against the service on a free port, on a {@code memory:} store. */
class HttpApiTest {
    private static final int LIMIT = 1024;
    private static AgentService service;
    private static Api api;

    @BeforeAll
    static void start() {
        service = AgentService.start(ServiceConfig.parse("--store", "memory:", "--port", "0",
                "--max-message-bytes", String.valueOf(LIMIT)), Map.of());
        api = new Api(service.uri());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static List<String> kinds(JsonNode nodes) {
        List<String> out = new ArrayList<>();
        nodes.forEach(n -> out.add(n.path("kind").asText()));
        return out;
    }

    private static List<String> ids(JsonNode nodes) {
        List<String> out = new ArrayList<>();
        nodes.forEach(n -> out.add(n.path("id").asText()));
        return out;
    }

    private static String lastId(JsonNode turn) {
        JsonNode nodes = turn.path("nodes");
        return nodes.path(nodes.size() - 1).path("id").asText();
    }

    @Test
    void healthSaysWhichStoreAndModel() {
        Api.Response r = api.get("/health");
        assertEquals(200, r.status());
        assertEquals("ok", r.json().path("status").asText());
        assertEquals("memory:", r.json().path("store").asText());
        assertEquals("VOLATILE", r.json().path("durability").asText());
        assertEquals("cairn-builtin-1", r.json().path("model").asText());
        assertTrue(service.uri().toString().startsWith("http://127.0.0.1:"));
    }

    @Test
    void aMultiTurnChatWithToolCalls() {
        String chat = api.createChat("groceries", "alice");
        assertEquals("12*(3+4) = 84.", api.say(chat, "what is 12*(3+4)?").path("reply").asText());
        assertEquals("Noted as #1. Your notes: #1 buy milk.", api.say(chat, "note buy milk").path("reply").asText());
        JsonNode third = api.say(chat, "what did I ask you to remember?");
        assertEquals("Your notes: #1 buy milk.", third.path("reply").asText());
        assertEquals(List.of("user_input", "assistant_response", "tool_call", "tool_result", "assistant_response"),
                kinds(third.path("nodes")));
        assertEquals("list", third.path("nodes").path(2).path("payload").path("arguments").path("action").asText());
        assertTrue(third.path("usage").path("totalTokens").asLong() > 0);

        JsonNode t = api.transcript(chat, "active");
        assertEquals(15, t.path("nodes").size());
        assertEquals(lastId(third), t.path("head").asText());
        assertEquals(12, t.path("revision").asLong(), "four commits per turn");
        assertEquals("what is 12*(3+4)?", t.path("nodes").path(0).path("payload").path("text").asText());
        assertTrue(t.path("nodes").path(0).path("parent").isNull());

        JsonNode info = api.get("/api/chats/" + chat).json();
        assertEquals(3, info.path("turns").asInt());
        assertEquals("groceries", info.path("title").asText());
        assertEquals("alice", info.path("owner").asText());
        JsonNode usage = api.get("/api/chats/" + chat + "/usage").json();
        assertEquals(info.path("tokens").asLong(), usage.path("total").path("totalTokens").asLong());
        assertEquals(usage.path("total"), usage.path("byModel").path("cairn-builtin-1"));
    }

    @Test
    void rewindAndFork() {
        String chat = api.createChat("branches", "bob");
        JsonNode first = api.say(chat, "note alpha");
        api.say(chat, "note beta");
        long revision = api.transcript(chat, "active").path("revision").asLong();

        // a rewind with a stale revision is a conflict and changes nothing
        Api.Response stale = api.post("/api/chats/" + chat + "/rewind",
                "{\"nodeId\":\"" + lastId(first) + "\",\"expectedRevision\":" + (revision - 1) + "}");
        assertEquals(409, stale.status());
        assertEquals("conflict", stale.json().path("error").asText());
        assertEquals(revision, api.transcript(chat, "active").path("revision").asLong());

        // fork at the end of the first turn: the fork sees only alpha
        Api.Response fork = api.post("/api/chats/" + chat + "/fork",
                "{\"nodeId\":\"" + lastId(first) + "\",\"title\":\"just alpha\"}");
        assertEquals(201, fork.status());
        String forkId = fork.json().path("id").asText();
        assertEquals(chat, fork.json().path("forkedFrom").asText());
        assertEquals(1, fork.json().path("turns").asInt());
        assertEquals(ids(first.path("nodes")), ids(api.transcript(forkId, "active").path("nodes")));
        assertEquals("Your notes: #1 alpha.", api.say(forkId, "show my notes").path("reply").asText());
        assertEquals(0 + 10, api.transcript(chat, "active").path("nodes").size(), "the source did not change");

        // rewind the source to the end of the first turn: beta is gone from the path and the board
        Api.Response rewound = api.post("/api/chats/" + chat + "/rewind",
                "{\"nodeId\":\"" + lastId(first) + "\",\"expectedRevision\":" + revision + "}");
        assertEquals(200, rewound.status(), rewound.json().toString());
        assertEquals(lastId(first), rewound.json().path("head").asText());
        assertEquals(revision + 1, rewound.json().path("revision").asLong());
        assertEquals(1, api.get("/api/chats/" + chat).json().path("turns").asInt());
        assertEquals("Your notes: #1 alpha.", api.say(chat, "show my notes").path("reply").asText());
        // the abandoned branch is still in the full graph
        assertEquals(15, api.transcript(chat, "full").path("nodes").size());
        assertEquals(10, api.transcript(chat, "active").path("nodes").size());
    }

    @Test
    void twoClientsPostingAtOnceLoseNothing() throws Exception {
        String chat = api.createChat("busy", "carol");
        int clients = 2;
        int each = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<JsonNode>>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                go.await();
                List<JsonNode> turns = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    turns.add(api.say(chat, "note c" + client + "-" + i));
                }
                return turns;
            }));
        }
        go.countDown();
        Set<String> turnIds = new HashSet<>();
        for (Future<List<JsonNode>> f : futures) {
            for (JsonNode turn : f.get(60, TimeUnit.SECONDS)) {
                assertTrue(turnIds.add(turn.path("turnId").asText()));
            }
        }
        pool.shutdown();
        JsonNode full = api.transcript(chat, "full").path("nodes");
        List<String> fullIds = ids(full);
        assertEquals(clients * each * 5, fullIds.size());
        assertEquals(fullIds.size(), new HashSet<>(fullIds).size(), "no node twice");
        assertEquals(fullIds, ids(api.transcript(chat, "active").path("nodes")), "every turn on the active path");
        List<String> inputs = new ArrayList<>();
        full.forEach(n -> {
            if (n.path("kind").asText().equals("user_input")) {
                inputs.add(n.path("payload").path("text").asText());
            }
        });
        assertEquals(clients * each, new HashSet<>(inputs).size(), "every message recorded once: " + inputs);
        assertEquals(clients * each, inputs.size());
        String board = api.say(chat, "show my notes").path("reply").asText();
        for (int c = 0; c < clients; c++) {
            for (int i = 0; i < each; i++) {
                assertTrue(board.contains("c" + c + "-" + i), board);
            }
        }
        assertEquals(clients * each + 1, api.get("/api/chats/" + chat).json().path("turns").asInt());
    }

    @Test
    void badRequestsAreAnsweredWithTheRightStatusAndChangeNothing() {
        String chat = api.createChat("strict", "dave");
        api.say(chat, "hello");
        JsonNode before = api.transcript(chat, "full");
        String messages = "/api/chats/" + chat + "/messages";

        assertError(api.post(messages, "{\"text\":"), 400, "bad_request");
        assertError(api.post(messages, "[\"text\"]"), 400, "bad_request");
        assertError(api.post(messages, "{}"), 400, "bad_request");
        assertError(api.post(messages, "{\"text\":42}"), 400, "bad_request");
        assertError(api.post(messages, "{\"text\":\"   \"}"), 400, "bad_request");
        assertError(api.post(messages, ""), 400, "bad_request");
        String justOver = "é".repeat(LIMIT / 2) + "x";
        assertError(api.post(messages, "{\"text\":\"" + justOver + "\"}"), 413, "payload_too_large");
        byte[] huge = ("{\"text\":\"" + "x".repeat(LIMIT * 10) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertError(api.post(messages, huge), 413, "payload_too_large");
        assertError(api.post("/api/chats/" + chat + "/rewind", "{\"nodeId\":\"no-such-node\"}"), 400, "bad_request");
        assertError(api.post("/api/chats/" + chat + "/rewind", "{\"nodeId\":\"../etc\"}"), 400, "bad_request");
        assertError(api.post("/api/chats/" + chat + "/rewind", "{\"nodeId\":\"x\",\"expectedRevision\":-1}"), 400,
                "bad_request");
        assertError(api.post("/api/chats/" + chat + "/fork", "{\"nodeId\":\"no-such-node\"}"), 400, "bad_request");
        assertError(api.get("/api/chats/" + chat + "/transcript?scope=everything"), 400, "bad_request");
        assertError(api.get("/api/chats?limit=0"), 400, "bad_request");
        assertError(api.get("/api/chats?cursor=not-a-cursor"), 400, "bad_request");

        for (String unknown : List.of("chat-unknown", "bad%20id")) {
            String base = "/api/chats/" + unknown;
            assertError(api.post(base + "/messages", "{\"text\":\"hi\"}"), 404, "not_found");
            assertError(api.get(base), 404, "not_found");
            assertError(api.get(base + "/transcript"), 404, "not_found");
            assertError(api.get(base + "/usage"), 404, "not_found");
            assertError(api.post(base + "/rewind", "{\"nodeId\":\"x\"}"), 404, "not_found");
            assertError(api.post(base + "/fork", "{}"), 404, "not_found");
            assertError(api.delete(base), 404, "not_found");
        }
        assertError(api.get("/no/such/route"), 404, "not_found");

        assertEquals(before, api.transcript(chat, "full"), "nothing changed");
        assertEquals(1, api.get("/api/chats/" + chat).json().path("turns").asInt());
    }

    private static void assertError(Api.Response r, int status, String code) {
        assertEquals(status, r.status(), r.json().toString());
        assertEquals(code, r.json().path("error").asText(), r.json().toString());
        assertFalse(r.json().path("detail").asText().isEmpty());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void serverSentEventsStreamEachNodeInCommitOrder() {
        String chat = api.createChat("stream", "erin");
        api.say(chat, "hello");
        List<Api.Event> events = api.stream(chat, "what is 6*7 and what time is it");

        List<Api.Event> nodes = events.stream().filter(e -> e.event().equals("node")).toList();
        assertEquals("done", events.get(events.size() - 1).event());
        assertEquals(nodes.size() + 1, events.size());
        assertEquals(List.of("user_input", "assistant_response", "tool_call", "tool_result", "tool_call", "tool_result",
                "assistant_response"), nodes.stream().map(e -> e.data().path("kind").asText()).toList());
        for (int i = 1; i < nodes.size(); i++) {
            assertEquals(nodes.get(i - 1).data().path("seq").asLong() + 1, nodes.get(i).data().path("seq").asLong());
            assertEquals(nodes.get(i - 1).data().path("id").asText(), nodes.get(i).data().path("parent").asText());
        }
        JsonNode done = events.get(events.size() - 1).data();
        assertTrue(done.path("reply").asText().startsWith("6*7 = 42. It is "), done.toString());
        JsonNode active = api.transcript(chat, "active").path("nodes");
        List<String> tail = ids(active).subList(active.size() - nodes.size(), active.size());
        assertEquals(tail, nodes.stream().map(e -> e.data().path("id").asText()).toList());
        assertEquals(Payloads.JSON.valueToTree(active.get(active.size() - 1)), nodes.get(nodes.size() - 1).data());

        // an unknown chat is refused before the stream starts
        Api.Response r = api.send(java.net.http.HttpRequest.newBuilder(service.uri().resolve("/api/chats/nope/messages"))
                .header("Accept", "text/event-stream").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")));
        assertEquals(404, r.status());
    }

    @Test
    void thePickerPagesNewestFirstAndFiltersByOwner() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(api.createChat("page " + i, "pager"));
        }
        JsonNode first = api.get("/api/chats?owner=pager&limit=2").json();
        assertEquals(2, first.path("chats").size());
        String cursor = first.path("nextCursor").asText();
        assertFalse(cursor.isEmpty());
        JsonNode second = api.get("/api/chats?owner=pager&limit=2&cursor=" + cursor).json();
        assertEquals(1, second.path("chats").size());
        assertTrue(second.path("nextCursor").isNull());
        List<String> listed = new ArrayList<>(ids(first.path("chats")));
        listed.addAll(ids(second.path("chats")));
        assertEquals(List.of(made.get(2), made.get(1), made.get(0)), listed);
        JsonNode row = first.path("chats").path(0);
        assertEquals("page 2", row.path("title").asText());
        assertEquals("cairn-builtin-1", row.path("model").asText());
        assertEquals(0, row.path("turns").asInt());
        assertEquals(0, row.path("tokens").asLong());
        assertFalse(row.path("createdAt").asText().isEmpty());
    }

    @Test
    void deleteErasesTheChat() {
        String chat = api.createChat("secret", "frank");
        api.say(chat, "note my pin is 1234");
        assertEquals(204, api.delete("/api/chats/" + chat).status());
        assertError(api.get("/api/chats/" + chat), 404, "not_found");
        assertError(api.get("/api/chats/" + chat + "/transcript"), 404, "not_found");
        assertError(api.delete("/api/chats/" + chat), 404, "not_found");
        assertEquals(0, api.get("/api/chats?owner=frank").json().path("chats").size());
        assertNotEquals(chat, api.createChat("again", "frank"));
    }
}
