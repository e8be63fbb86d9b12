package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.example.AgentService;
import dev.cairn.persistence.example.ServiceConfig;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page's files over HTTP, and what the API gives the page: usage per turn, a fork's node. */
class PageServingTest {
    private static AgentService service;
    private static Api api;

    @BeforeAll
    static void start() {
        service = AgentService.start(ServiceConfig.parse("--store", "memory:", "--port", "0"), Map.of());
        api = new Api(service.uri());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void thePageAndItsFilesComeWithTypesCachingAndAPolicy() {
        Map<String, String> types = Map.of("/", "text/html; charset=utf-8",
                "/static/app.js", "text/javascript; charset=utf-8", "/static/tree.js", "text/javascript; charset=utf-8",
                "/static/app.css", "text/css; charset=utf-8", "/static/icon.svg", "image/svg+xml");
        types.forEach((path, type) -> {
            Raw.Response r = Raw.exchange(service.uri(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n");
            assertEquals(200, r.status(), path);
            String head = r.head().toLowerCase();
            assertTrue(head.replace("; ", ";").contains("content-type: " + type.replace("; ", ";")), path + ": " + r.head());
            assertTrue(head.contains("content-security-policy: default-src 'self'; script-src 'self'"), r.head());
            assertTrue(head.contains("x-content-type-options: nosniff"), r.head());
            assertTrue(head.contains("cache-control: no-cache"), r.head());
            assertFalse(r.body().isEmpty(), path);
        });
        String html = Raw.exchange(service.uri(), "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").body();
        assertTrue(html.contains("<script type=\"module\" src=\"/static/app.js\"></script>"));
        assertFalse(html.replace("<script type=\"module\" src=\"/static/app.js\"></script>", "").contains("<script"),
                "no inline script");
        assertFalse(html.contains("style=") || html.contains(" on"), "no inline style or handler");
    }

    @Test
    void anUnchangedFileIsA304() {
        Api.Response first = api.get("/static/app.js");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        Api.Response again = api.send(HttpRequest.newBuilder(service.uri().resolve("/static/app.js"))
                .header("If-None-Match", etag).GET());
        assertEquals(304, again.status());
    }

    @Test
    void thePageIsUnderTheHostAndOriginChecks() {
        Raw.Response host = Raw.exchange(service.uri(), "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertEquals(403, host.status());
        assertEquals("forbidden_host", host.json().path("error").asText());
        Raw.Response origin = Raw.exchange(service.uri(), "GET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Origin: http://evil.example\r\nConnection: close\r\n\r\n");
        assertEquals(403, origin.status());
    }

    @Test
    void unknownFilesAre404AndOtherMethods405() {
        Api.Response missing = api.get("/static/secret.properties");
        assertEquals(404, missing.status());
        assertEquals("not_found", missing.json().path("error").asText());
        assertTrue(missing.json().path("detail").asText().contains("app.js"));
        assertEquals(404, api.get("/static/index.html").status());
        assertEquals(404, api.get("/static/..%2Fsimplelogger.properties").status());
        assertEquals(405, api.post("/", "{}").status());
    }

    @Test
    void usageHasTheLastTurnsAndAForkNamesItsNode() {
        String chat = api.createChat("usage", "erin");
        JsonNode one = api.say(chat, "what is 2+2?");
        api.say(chat, "hello");
        api.say(chat, "note x");
        JsonNode all = api.get("/api/chats/" + chat + "/usage").json();
        assertEquals(3, all.path("turnCount").asInt());
        assertEquals(3, all.path("turns").size());
        assertEquals(one.path("turnId").asText(), all.path("turns").path(0).path("turnId").asText());
        assertEquals(2, all.path("turns").path(0).path("calls").asInt(), "a tool call takes two model calls");
        assertEquals(one.path("usage").path("totalTokens").asLong(),
                all.path("turns").path(0).path("usage").path("totalTokens").asLong());
        long sum = 0;
        for (JsonNode t : all.path("turns")) {
            sum += t.path("usage").path("totalTokens").asLong();
        }
        assertEquals(all.path("total").path("totalTokens").asLong(), sum);
        JsonNode last = api.get("/api/chats/" + chat + "/usage?turns=1").json();
        assertEquals(1, last.path("turns").size());
        assertEquals(3, last.path("turnCount").asInt());
        for (String bad : new String[] {"0", "501", "x", "-1"}) {
            Api.Response r = api.get("/api/chats/" + chat + "/usage?turns=" + bad);
            assertEquals(400, r.status(), bad);
            assertEquals("turns must be 1 to 500", r.json().path("detail").asText());
        }

        String at = one.path("nodes").path(0).path("id").asText();
        Api.Response fork = api.post("/api/chats/" + chat + "/fork", "{\"nodeId\":\"" + at + "\"}");
        assertEquals(201, fork.status());
        assertEquals(at, fork.json().path("forkedAt").asText());
        String forkId = fork.json().path("id").asText();
        assertEquals(at, api.get("/api/chats/" + forkId).json().path("forkedAt").asText());
        boolean listed = false;
        for (JsonNode c : api.get("/api/chats?limit=100").json().path("chats")) {
            if (c.path("id").asText().equals(forkId)) {
                listed = at.equals(c.path("forkedAt").asText());
            }
        }
        assertTrue(listed, "the picker shows the fork's node too");
        assertTrue(api.get("/api/chats/" + chat).json().path("forkedAt").isNull());
    }
}
