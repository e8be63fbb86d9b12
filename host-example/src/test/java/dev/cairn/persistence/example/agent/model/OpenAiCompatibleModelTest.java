package dev.cairn.persistence.example.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.example.agent.AgentCore;
import dev.cairn.persistence.example.agent.AgentSession;
import dev.cairn.persistence.example.agent.ModelException;
import dev.cairn.persistence.example.agent.Payloads;
import dev.cairn.persistence.example.agent.TranscriptNode;
import dev.cairn.persistence.example.agent.TurnResult;
import dev.cairn.persistence.example.agent.tools.BuiltinTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible model against a local stub of {@code POST /v1/chat/completions}. */
class OpenAiCompatibleModelTest {
    private static final String KEY = "sk-test-not-a-real-key";
    private HttpServer server;
    private final Queue<String> replies = new ConcurrentLinkedQueue<>();
    private final Queue<JsonNode> requests = new ConcurrentLinkedQueue<>();
    private final Queue<String> auth = new ConcurrentLinkedQueue<>();
    private volatile int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            try (ex) {
                requests.add(Payloads.JSON.readTree(ex.getRequestBody().readAllBytes()));
                auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                String reply = replies.poll();
                byte[] body = (reply == null ? "{}" : reply).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(status, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private OpenAiCompatibleModel model() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        return new OpenAiCompatibleModel(new OpenAiConfig(base, "stub-model", KEY, Duration.ofSeconds(5)));
    }

    @Test
    void aTurnWithAToolCallGoesThroughTheStub() {
        replies.add("""
                {"id":"1","model":"stub-model-2025","choices":[{"index":0,"message":{"role":"assistant","content":null,
                 "tool_calls":[{"id":"call_abc","type":"function","function":{"name":"calculator",
                 "arguments":"{\\"expression\\":\\"6*7\\"}"}}]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":50,"completion_tokens":10,"total_tokens":60,
                 "prompt_tokens_details":{"cached_tokens":20}}}""");
        replies.add("""
                {"id":"2","model":"stub-model-2025","choices":[{"index":0,"message":{"role":"assistant",
                 "content":"6*7 is 42."},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":70,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":2}}}""");
        try (AgentCore core = AgentCore.builder().model(model()).tools(BuiltinTools.all()).build();
             AgentSession chat = core.session("oa").open()) {
            TurnResult r = chat.send("what is 6*7?");

            assertEquals("6*7 is 42.", r.reply());
            assertEquals(List.of("user_input", "assistant_response", "tool_call", "tool_result", "assistant_response"),
                    r.nodes().stream().map(TranscriptNode::kind).toList());
            assertEquals("42", r.nodes().get(3).payload().path("output").path("value").asText());
            assertEquals(new TokenUsage(120, 15, 20, 2), r.usage());
            assertEquals(new TokenUsage(120, 15, 20, 2), chat.usage().byModel().get("stub-model-2025"));
            assertEquals("stub-model", chat.meta().model());
            assertEquals(5, chat.read(SessionReadScope.activePath()).nodes().size());
        }
        assertEquals(List.of("Bearer " + KEY, "Bearer " + KEY), List.copyOf(auth));
        JsonNode first = requests.poll();
        assertEquals("stub-model", first.path("model").asText());
        assertEquals("system", first.path("messages").path(0).path("role").asText());
        assertEquals("what is 6*7?", first.path("messages").path(1).path("content").asText());
        assertEquals(3, first.path("tools").size());
        assertEquals("calculator", first.path("tools").path(0).path("function").path("name").asText());
        assertEquals("object", first.path("tools").path(0).path("function").path("parameters").path("type").asText());
        JsonNode second = requests.poll();
        JsonNode assistant = second.path("messages").path(2);
        assertEquals("assistant", assistant.path("role").asText());
        assertTrue(assistant.path("content").isNull());
        assertEquals("call_abc", assistant.path("tool_calls").path(0).path("id").asText());
        assertEquals("{\"expression\":\"6*7\"}",
                assistant.path("tool_calls").path(0).path("function").path("arguments").asText());
        JsonNode tool = second.path("messages").path(3);
        assertEquals("tool", tool.path("role").asText());
        assertEquals("call_abc", tool.path("tool_call_id").asText());
        assertEquals("42", Payloads.tree(tool.path("content").asText().getBytes(StandardCharsets.UTF_8))
                .path("value").asText());
    }

    @Test
    void anErrorStatusBecomesAModelExceptionWithoutTheKey() {
        status = 401;
        replies.add("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}");
        try (AgentCore core = AgentCore.builder().model(model()).build();
             AgentSession chat = core.session("oa-err").open()) {
            ModelException e = assertThrows(ModelException.class, () -> chat.send("hi"));
            assertEquals("The model endpoint answered HTTP 401: Incorrect API key provided", e.getMessage());
            assertFalse(e.getMessage().contains(KEY));
            assertEquals(List.of("user_input", "error"), chat.read(SessionReadScope.activePath()).nodes().stream()
                    .map(TranscriptNode::kind).toList());
        }
    }

    @Test
    void anUnreachableEndpointOrAnUnreadableReplyIsAModelException() {
        replies.add("not json");
        assertThrows(ModelException.class, () -> model().complete(new dev.cairn.persistence.example.agent
                .ModelRequest("", List.of(), List.of())));
        server.stop(0);
        ModelException e = assertThrows(ModelException.class, () -> model().complete(
                new dev.cairn.persistence.example.agent.ModelRequest("", List.of(), List.of())));
        assertTrue(e.getMessage().contains("could not be reached"), e.getMessage());
    }

    @Test
    void theKeyNeverShowsInTheConfig() {
        assertFalse(model().toString().contains(KEY));
        assertFalse(new OpenAiConfig(URI.create("http://x/v1"), "m", KEY, Duration.ofSeconds(1)).toString()
                .contains(KEY));
    }
}
