package dev.cairn.persistence.example.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.example.agent.ChatMessage;
import dev.cairn.persistence.example.agent.ChatModel;
import dev.cairn.persistence.example.agent.ModelException;
import dev.cairn.persistence.example.agent.ModelReply;
import dev.cairn.persistence.example.agent.ModelRequest;
import dev.cairn.persistence.example.agent.Payloads;
import dev.cairn.persistence.example.agent.ToolCall;
import dev.cairn.persistence.example.agent.ToolSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model behind an OpenAI-compatible {@code POST /chat/completions} endpoint (OpenAI, and the many
 * servers that speak the same protocol), with function tools, over {@link HttpClient}. Errors become
 * {@link ModelException}s that name the HTTP status, never the key or the messages.
 */
public final class OpenAiCompatibleModel implements ChatModel {
    private final OpenAiConfig config;
    private final HttpClient http;

    /**
     * @param config the endpoint, model and key
     */
    public OpenAiCompatibleModel(OpenAiConfig config) {
        this(config, HttpClient.newBuilder().connectTimeout(config.timeout()).build());
    }

    /**
     * @param config the endpoint, model and key
     * @param http the client to use
     */
    public OpenAiCompatibleModel(OpenAiConfig config, HttpClient http) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = Objects.requireNonNull(http, "http");
    }

    @Override
    public String name() {
        return config.model();
    }

    @Override
    public ModelReply complete(ModelRequest request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(config.endpoint())
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Payloads.encode(body(request))));
        if (!config.apiKey().isEmpty()) {
            b.header("Authorization", "Bearer " + config.apiKey());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ModelException("The model endpoint " + config.endpoint() + " could not be reached: "
                    + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("Interrupted while waiting for the model", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new ModelException("The model endpoint answered HTTP " + response.statusCode()
                    + errorMessage(response.body()));
        }
        try {
            return parse(Payloads.JSON.readTree(response.body()));
        } catch (IOException | RuntimeException e) {
            throw new ModelException("The model endpoint sent a reply this client cannot read: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    ObjectNode body(ModelRequest request) {
        ObjectNode body = Payloads.JSON.createObjectNode();
        body.put("model", config.model());
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", request.system());
        for (ChatMessage m : request.messages()) {
            switch (m.role()) {
                case USER -> messages.addObject().put("role", "user").put("content", m.text());
                case TOOL -> messages.addObject().put("role", "tool").put("tool_call_id", m.toolCallId())
                        .put("content", m.text());
                case ASSISTANT -> {
                    ObjectNode a = messages.addObject().put("role", "assistant");
                    if (m.text().isEmpty() && !m.toolCalls().isEmpty()) {
                        a.putNull("content");
                    } else {
                        a.put("content", m.text());
                    }
                    if (!m.toolCalls().isEmpty()) {
                        ArrayNode calls = a.putArray("tool_calls");
                        for (ToolCall c : m.toolCalls()) {
                            calls.addObject().put("id", c.id()).put("type", "function").putObject("function")
                                    .put("name", c.name()).put("arguments", c.arguments().toString());
                        }
                    }
                }
                default -> throw new IllegalStateException("Unknown role " + m.role());
            }
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolSpec t : request.tools()) {
                tools.addObject().put("type", "function").putObject("function").put("name", t.name())
                        .put("description", t.description()).set("parameters", t.parameters());
            }
        }
        return body;
    }

    private ModelReply parse(JsonNode root) throws IOException {
        JsonNode message = root.path("choices").path(0).path("message");
        if (message.isMissingNode()) {
            throw new ModelException("The model reply has no choices[0].message");
        }
        String text = message.path("content").isTextual() ? message.path("content").asText() : "";
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode c : message.path("tool_calls")) {
            JsonNode fn = c.path("function");
            String args = fn.path("arguments").asText("{}");
            JsonNode parsed = args.isBlank() ? Payloads.JSON.createObjectNode() : Payloads.JSON.readTree(args);
            calls.add(new ToolCall(c.path("id").asText("call_" + (calls.size() + 1)), fn.path("name").asText(), parsed));
        }
        JsonNode u = root.path("usage");
        TokenUsage usage = new TokenUsage(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0),
                u.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                u.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
        String model = root.path("model").asText(config.model());
        return new ModelReply(text, calls, model.isBlank() ? config.model() : model, usage);
    }

    private static String errorMessage(byte[] body) {
        try {
            JsonNode err = Payloads.JSON.readTree(body).path("error").path("message");
            if (err.isTextual()) {
                String m = err.asText().replaceAll("[\\p{Cntrl}]", " ");
                return ": " + (m.length() > 200 ? m.substring(0, 200) + "..." : m);
            }
        } catch (IOException | RuntimeException e) {
            // no readable error message
        }
        return " (no readable error message)";
    }
}
