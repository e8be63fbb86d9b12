package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.TokenUsage;
import java.io.IOException;
import java.util.List;

/**
 * The JSON payloads of the nodes a turn records, one record per node kind, and their codec.
 */
public final class Payloads {
    /** The mapper every payload goes through; thread-safe. */
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private Payloads() {
    }

    /**
     * A {@code user_input} node.
     *
     * @param turnId the turn
     * @param text what the user said
     */
    public record UserInput(String turnId, String text) {
    }

    /**
     * An {@code assistant_response} node: one model call.
     *
     * @param turnId the turn
     * @param step the model call's number in the turn, from 1
     * @param text the model's text
     * @param toolCalls the tools it asked for
     * @param model the model that answered
     * @param usage the call's tokens (also in the ledger); null in nodes written before it was recorded here
     */
    public record AssistantResponse(String turnId, int step, String text, List<ToolCall> toolCalls, String model,
                                    TokenUsage usage) {
        /** @return the call's tokens, zero when not recorded */
        public TokenUsage tokens() {
            return usage == null ? TokenUsage.ZERO : usage;
        }
    }

    /**
     * A {@code tool_call} node.
     *
     * @param turnId the turn
     * @param callId the model's id of the call
     * @param name the tool
     * @param arguments its arguments
     */
    public record ToolCallMade(String turnId, String callId, String name, JsonNode arguments) {
    }

    /**
     * A {@code tool_result} node.
     *
     * @param turnId the turn
     * @param callId the call it answers
     * @param name the tool
     * @param ok false if the call failed
     * @param output the result when {@code ok}, else null
     * @param error the error message when not {@code ok}, else null
     */
    public record ToolResult(String turnId, String callId, String name, boolean ok, JsonNode output, String error) {
        /** @return what the model sees: the output, or {@code {"error": ...}} */
        public String forModel() {
            return ok ? String.valueOf(output) : JSON.createObjectNode().put("error", error).toString();
        }
    }

    /**
     * An {@code error} node: the turn stopped. It answers every tool call the turn's model asked for
     * that has no result, so the next turn's context is valid for any model.
     *
     * @param turnId the turn
     * @param code what kind of failure: {@code model_error}, {@code conflict}, {@code internal}
     * @param message what went wrong, without secrets
     * @param unanswered the tool calls it answers (each with the error); empty or null when none were open
     */
    public record TurnError(String turnId, String code, String message, List<OpenCall> unanswered) {
        /** @return the calls it answers, never null (older error nodes have none) */
        public List<OpenCall> answered() {
            return unanswered == null ? List.of() : unanswered;
        }
    }

    /**
     * A tool call that was asked for and not run.
     *
     * @param callId the model's id of the call
     * @param name the tool
     */
    public record OpenCall(String callId, String name) {
    }

    /**
     * @param value a payload record
     * @return its JSON bytes
     */
    public static byte[] encode(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * @param bytes JSON bytes of a payload
     * @param type the payload's record type
     * @param <T> the type
     * @return the payload
     * @throws StoreCorruptedException if the bytes are not that payload
     */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new StoreCorruptedException("A stored " + type.getSimpleName() + " payload is not valid JSON: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * @param bytes any payload
     * @return it as a JSON tree, or a JSON string of its size when it is not JSON
     */
    public static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode("(" + bytes.length + " bytes, not JSON)");
        }
    }
}
