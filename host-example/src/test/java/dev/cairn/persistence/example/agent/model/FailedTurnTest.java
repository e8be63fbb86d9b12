package dev.cairn.persistence.example.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.example.agent.AgentCore;
import dev.cairn.persistence.example.agent.AgentSession;
import dev.cairn.persistence.example.agent.ModelException;
import dev.cairn.persistence.example.agent.Payloads;
import dev.cairn.persistence.example.agent.TranscriptNode;
import dev.cairn.persistence.example.agent.TurnFailedException;
import dev.cairn.persistence.example.agent.TurnResult;
import dev.cairn.persistence.example.agent.tools.BuiltinTools;
import dev.cairn.persistence.tck.ForwardingRuntimePersistence;
import dev.cairn.persistence.tck.ForwardingSessionStoreFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A turn that fails after it started ends with an error node that answers its open tool calls, so
 * the next turn is accepted by a model that, like OpenAI's API, refuses a context with a tool call
 * nobody answered. The stub here is that strict.
 */
class FailedTurnTest {
    private HttpServer server;
    private final Queue<String> replies = new ConcurrentLinkedQueue<>();
    private final Queue<String> refusals = new ConcurrentLinkedQueue<>();
    private volatile boolean failToolCommits;
    private SessionStoreFactory factory;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            try (ex) {
                JsonNode request = Payloads.JSON.readTree(ex.getRequestBody().readAllBytes());
                String problem = unansweredToolCall(request.path("messages"));
                int status = problem == null ? 200 : 400;
                String reply = problem == null ? replies.poll()
                        : Payloads.JSON.createObjectNode().set("error", Payloads.JSON.createObjectNode()
                                .put("message", problem)).toString();
                if (problem != null) {
                    refusals.add(problem);
                }
                byte[] body = (reply == null ? "{}" : reply).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(status, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
        factory = new ForwardingSessionStoreFactory(SessionStores.open("memory:"), s -> new ForwardingRuntimePersistence(s) {
            @Override
            public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
                if (failToolCommits && commit.nodes().stream().anyMatch(n -> n.kind().equals(NodeKind.TOOL_CALL))) {
                    throw new PersistenceException("injected: the disk is full");
                }
                return super.commitRuntimeState(commit);
            }
        });
    }

    @AfterEach
    void stop() {
        server.stop(0);
        factory.close();
    }

    /** What OpenAI's API checks: each assistant tool call is answered by a tool message before anything else. */
    private static String unansweredToolCall(JsonNode messages) {
        Set<String> open = new HashSet<>();
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            if (role.equals("tool")) {
                if (!open.remove(m.path("tool_call_id").asText())) {
                    return "Invalid parameter: messages with role 'tool' must be a response to a preceding 'tool_calls'";
                }
                continue;
            }
            if (!open.isEmpty()) {
                return "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
                        + " 'tool_call_id'. The following tool_call_ids did not have response messages: " + open;
            }
            m.path("tool_calls").forEach(c -> open.add(c.path("id").asText()));
        }
        return null;
    }

    private AgentCore core() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        return AgentCore.builder()
                .model(new OpenAiCompatibleModel(new OpenAiConfig(base, "strict-stub", "", Duration.ofSeconds(10))))
                .tools(BuiltinTools.all()).storeFactory(factory).maxCommitRetries(1).maxToolCalls(3).build();
    }

    private static String toolCalls(String... ids) {
        StringBuilder calls = new StringBuilder();
        for (String id : ids) {
            calls.append(calls.length() == 0 ? "" : ",").append("{\"id\":\"").append(id)
                    .append("\",\"type\":\"function\",\"function\":{\"name\":\"calculator\","
                            + "\"arguments\":\"{\\\"expression\\\":\\\"6*7\\\"}\"}}");
        }
        return "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + calls
                + "]}}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5}}";
    }

    private static String answer(String text) {
        return "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"" + text
                + "\"}}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}";
    }

    @Test
    void aTurnThatFailsMidwayAnswersItsOpenCallsAndTheNextTurnIsAccepted() {
        try (AgentCore core = core(); AgentSession chat = core.session("c1").open()) {
            replies.add(toolCalls("call_a", "call_b"));
            failToolCommits = true;
            TurnFailedException failed = assertThrows(TurnFailedException.class, () -> chat.send("what is 6*7?"));
            assertEquals("internal", failed.code());
            failToolCommits = false;

            List<TranscriptNode> path = chat.read(SessionReadScope.activePath()).nodes();
            assertEquals(List.of("user_input", "assistant_response", "error"),
                    path.stream().map(TranscriptNode::kind).toList(), "what was committed stays, then the error");
            JsonNode error = path.get(2).payload();
            assertEquals("internal", error.path("code").asText());
            assertEquals(List.of("call_a", "call_b"), List.of(error.path("unanswered").path(0).path("callId").asText(),
                    error.path("unanswered").path(1).path("callId").asText()));

            replies.add(answer("Hello again."));
            TurnResult next = chat.send("hello");
            assertEquals("Hello again.", next.reply());
            assertTrue(refusals.isEmpty(), "the strict model accepted every context: " + refusals);
        }
    }

    @Test
    void aModelThatAsksForTooManyToolCallsEndsTheTurnWithNothingHalfWritten() {
        try (AgentCore core = core(); AgentSession chat = core.session("c2").open()) {
            replies.add(toolCalls("c1", "c2", "c3", "c4"));
            ModelException e = assertThrows(ModelException.class, () -> chat.send("calculate a lot"));
            assertTrue(e.getMessage().contains("at most 3"), e.getMessage());
            assertEquals(List.of("user_input", "error"), chat.read(SessionReadScope.activePath()).nodes().stream()
                    .map(TranscriptNode::kind).toList(), "the over-limit reply is not recorded");
            replies.add(answer("Fine."));
            assertEquals("Fine.", chat.send("then just say fine").reply());
            assertTrue(refusals.isEmpty(), refusals.toString());
        }
    }

    @Test
    void aTurnCutShortWithoutAnErrorNodeStillGivesAValidContext() {
        // a crash between the tool call's commit and its result leaves a call without an answer and no
        // error node; the context of the next turn answers it anyway
        try (AgentCore core = core(); AgentSession chat = core.session("c3").open()) {
            replies.add(toolCalls("call_x"));
            failToolCommits = true;
            assertThrows(TurnFailedException.class, () -> chat.send("what is 6*7?"));
            failToolCommits = false;
            String error = chat.head().nodeId().orElseThrow();
            String assistant = chat.read(SessionReadScope.activePath()).nodes().get(1).nodeId();
            assertTrue(error.endsWith("-e"));
            chat.rewind(assistant, java.util.OptionalLong.empty()); // as if the error node had never been written
            replies.add(answer("Recovered."));
            assertEquals("Recovered.", chat.send("are you there?").reply());
            assertTrue(refusals.isEmpty(), refusals.toString());
        }
    }
}
