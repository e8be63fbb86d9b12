package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What a model is told about a tool.
 *
 * @param name the tool's name, {@code [a-z][a-z0-9_]*}
 * @param description what it does
 * @param parameters a JSON schema of its arguments object
 */
public record ToolSpec(String name, String description, ObjectNode parameters) {
    /** Validates. */
    public ToolSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parameters, "parameters");
        if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("Invalid tool name '" + name + "': use [a-z][a-z0-9_]*");
        }
    }
}
