package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A tool call a model asked for.
 *
 * @param id the model's id for the call, echoed back with the result
 * @param name the tool's name
 * @param arguments the arguments, a JSON object
 */
public record ToolCall(String id, String name, JsonNode arguments) {
    /** Validates. */
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
