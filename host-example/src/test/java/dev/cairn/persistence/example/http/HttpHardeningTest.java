package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.example.AgentService;
import dev.cairn.persistence.example.ServiceConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacks and sloppy inputs that once got past the service, over real sockets on 127.0.0.1:
 * bodies over the limit however they are framed, clients that send slowly, too many requests at
 * once, lenient JSON, foreign Host and Origin headers, and the error pages Jetty writes itself.
 * The timeouts are short here (2 s) but no assertion depends on how fast anything runs: a slow
 * client is refused whenever its time is up, and the test waits up to a minute for that.
 */
class HttpHardeningTest {
    private static final int LIMIT = 1024;
    private static final int MAX_REQUESTS = 4;
    private static AgentService service;
    private static URI base;
    private static String chat;

    @BeforeAll
    static void start() {
        service = AgentService.start(ServiceConfig.parse("--store", "memory:", "--port", "0",
                "--max-message-bytes", String.valueOf(LIMIT), "--header-timeout", "2", "--body-timeout", "2",
                "--idle-timeout", "30", "--max-requests", String.valueOf(MAX_REQUESTS)), Map.of());
        base = service.uri();
        chat = new Api(base).createChat("target", "mallory");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static String host() {
        return "127.0.0.1:" + base.getPort();
    }

    private static String post(String path, String headers, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n" + headers
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String get(String path, String headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n" + headers + "\r\n";
    }

    private static void assertJsonError(Raw.Response r, int status, String code) {
        assertEquals(status, r.status(), r.head() + r.body());
        assertEquals(code, r.json().path("error").asText(), r.body());
        assertFalse(r.json().path("detail").asText().isEmpty(), r.body());
        assertTrue(r.head().toLowerCase().contains("content-type: application/json"), r.head());
        assertTrue(r.body().endsWith("\n"), "JSON ends with a newline: " + r.body());
    }

    private static int userInputs() {
        JsonNode nodes = new Api(base).transcript(chat, "full").path("nodes");
        int n = 0;
        for (JsonNode node : nodes) {
            n += node.path("kind").asText().equals("user_input") ? 1 : 0;
        }
        return n;
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWithoutReadingItAll() {
        int before = userInputs();
        try (Raw raw = new Raw(base)) {
            raw.send("POST /api/chats/" + chat + "/messages HTTP/1.1\r\nHost: " + host()
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(1000);
            long max = (long) LIMIT * 6 + 4096;
            raw.send("9\r\n{\"text\":\"\r\n");
            for (long sent = 9; sent <= max + 100; sent += chunk.length()) {
                raw.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            assertJsonError(raw.read(), 413, "payload_too_large");
        }
        assertEquals(before, userInputs(), "nothing was recorded");
        assertEquals(200, Raw.exchange(base, get("/health", "")).status());
    }

    @Test
    void malformedChunkFramingIsABadRequestInJson() {
        Raw.Response r = Raw.exchange(base, "POST /api/chats/" + chat + "/messages HTTP/1.1\r\nHost: " + host()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n");
        assertJsonError(r, 400, "bad_request");
    }

    @Test
    void aBodyThatTricklesInIsCutOffAtTheBodyTimeout() {
        try (Raw raw = new Raw(base)) {
            raw.send("POST /api/chats/" + chat + "/messages HTTP/1.1\r\nHost: " + host()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{");
            Thread dripper = new Thread(() -> {
                try {
                    for (int i = 0; i < 400; i++) {
                        Thread.sleep(300);
                        raw.send(" ");
                    }
                } catch (RuntimeException | InterruptedException e) {
                    // the server closed the connection: done
                }
            });
            dripper.setDaemon(true);
            dripper.start();
            assertJsonError(raw.read(), 408, "request_timeout");
            dripper.interrupt();
        }
    }

    @Test
    void headersThatTrickleInGetTheConnectionClosed() throws InterruptedException {
        try (Raw raw = new Raw(base)) {
            String request = "GET /health HTTP/1.1\r\nHost: " + host() + "\r\nX-Slow: " + "a".repeat(2000);
            Thread dripper = new Thread(() -> {
                try {
                    for (char c : request.toCharArray()) {
                        raw.send(String.valueOf(c));
                        Thread.sleep(100);
                    }
                } catch (RuntimeException | InterruptedException e) {
                    // the server closed the connection: done
                }
            });
            dripper.setDaemon(true);
            dripper.start();
            assertTrue(raw.closedByServer(), "the server closes a connection whose headers never end");
            dripper.interrupt();
        }
        assertEquals(200, Raw.exchange(base, get("/health", "")).status());
    }

    @Test
    void requestsOverTheConcurrencyLimitGet503AndHealthStillAnswers() throws InterruptedException {
        List<Raw> holders = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_REQUESTS; i++) {
                Raw raw = new Raw(base);
                holders.add(raw);
                // headers and one byte of a 500-byte body, then silence: each holds a request slot
                raw.send("POST /api/chats/" + chat + "/messages HTTP/1.1\r\nHost: " + host()
                        + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{");
            }
            // wait until the server has taken them all in (health counts them and is not counted)
            int active = 0;
            for (int i = 0; i < 1200 && active < MAX_REQUESTS; i++) {
                Thread.sleep(50);
                active = Raw.exchange(base, get("/health", "")).json().path("activeRequests").asInt();
            }
            assertEquals(MAX_REQUESTS, active);
            Raw.Response refused = Raw.exchange(base, get("/api/chats/" + chat, ""));
            assertJsonError(refused, 503, "overloaded");
            assertTrue(refused.head().contains("Retry-After: 1"), refused.head());
            assertEquals(200, Raw.exchange(base, get("/health", "")).status(), "health is not counted");
        } finally {
            holders.forEach(Raw::close);
        }
    }

    @Test
    void jsonMustBeJsonAndStrict() {
        String messages = "/api/chats/" + chat + "/messages";
        int before = userInputs();
        assertJsonError(Raw.exchange(base, post(messages, "", "{\"text\":\"hi\"}")), 415, "unsupported_media_type");
        assertJsonError(Raw.exchange(base, post(messages, "Content-Type: text/plain\r\n", "{\"text\":\"hi\"}")), 415,
                "unsupported_media_type");
        String json = "Content-Type: application/json\r\n";
        Raw.Response trailing = Raw.exchange(base, post(messages, json, "{\"text\":\"a\"}{\"text\":\"b\"}"));
        assertJsonError(trailing, 400, "bad_request");
        assertTrue(trailing.json().path("detail").asText().contains("more after the object"), trailing.body());
        assertJsonError(Raw.exchange(base, post(messages, json, "{\"text\":\"a\"} x")), 400, "bad_request");
        Raw.Response dup = Raw.exchange(base, post(messages, json, "{\"text\":\"a\",\"text\":\"b\"}"));
        assertJsonError(dup, 400, "bad_request");
        assertTrue(dup.json().path("detail").asText().contains("Duplicate field 'text'"), dup.body());
        Raw.Response deep = Raw.exchange(base, post(messages, json, "[".repeat(2000) + "]".repeat(2000)));
        assertJsonError(deep, 400, "bad_request");
        assertFalse(deep.body().contains("StreamReadConstraints"), deep.body());
        assertEquals(before, userInputs(), "nothing was recorded");
        // the service's own type with a charset is fine
        Raw.Response ok = Raw.exchange(base, post(messages, "Content-Type: application/json; charset=UTF-8\r\n",
                "{\"text\":\"hello\"}"));
        assertEquals(200, ok.status(), ok.body());
        assertTrue(ok.body().endsWith("}\n"));
    }

    @Test
    void foreignHostsAndOriginsAreRefused() {
        Raw.Response rebinding = Raw.exchange(base, "GET /api/chats HTTP/1.1\r\nHost: evil.example:"
                + base.getPort() + "\r\nConnection: close\r\n\r\n");
        assertJsonError(rebinding, 403, "forbidden_host");
        assertEquals(200, Raw.exchange(base, "GET /health HTTP/1.1\r\nHost: localhost:" + base.getPort()
                + "\r\nConnection: close\r\n\r\n").status());
        String crossSite = post("/api/chats", "Origin: http://evil.example\r\nContent-Type: text/plain\r\n", "{}");
        assertJsonError(Raw.exchange(base, crossSite), 403, "forbidden_origin");
        assertJsonError(Raw.exchange(base, post("/api/chats", "Origin: null\r\nContent-Type: application/json\r\n",
                "{}")), 403, "forbidden_origin");
        Raw.Response sameOrigin = Raw.exchange(base, post("/api/chats", "Origin: http://" + host()
                + "\r\nContent-Type: application/json\r\n", "{\"title\":\"from the page\"}"));
        assertEquals(201, sameOrigin.status(), sameOrigin.body());
    }

    @Test
    void everyErrorIsJsonInTheApisWords() {
        assertJsonError(Raw.exchange(base, "PUT /api/chats HTTP/1.1\r\nHost: " + host()
                + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), 405, "method_not_allowed");
        assertJsonError(Raw.exchange(base, get("/api/chats/" + chat + "/fork", "")), 405, "method_not_allowed");
        assertJsonError(Raw.exchange(base, get("/no/such/route", "")), 404, "not_found");
        assertJsonError(Raw.exchange(base, get("/api/chats/a%00b", "")), 400, "bad_request");
        assertJsonError(Raw.exchange(base, get("/api/chats/" + "x".repeat(9000), "")), 414, "uri_too_long");
        assertJsonError(Raw.exchange(base, get("/health", "X-Big: " + "y".repeat(9000) + "\r\n")), 431,
                "headers_too_large");
        assertJsonError(Raw.exchange(base, "NONSENSE\r\n\r\n"), 400, "bad_request");
        Raw.Response badKey = Raw.exchange(base, post("/api/chats/" + chat + "/messages",
                "Content-Type: application/json\r\nIdempotency-Key: has space\r\n", "{\"text\":\"hi\"}"));
        assertJsonError(badKey, 400, "bad_request");
    }
}
