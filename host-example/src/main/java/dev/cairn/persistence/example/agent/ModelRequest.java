package dev.cairn.persistence.example.agent;

import java.util.List;
import java.util.Objects;

/**
 * What a model is asked: a system prompt, the context and the tools it may call.
 *
 * @param system the system prompt
 * @param messages the context, oldest first
 * @param tools the tools it may call
 */
public record ModelRequest(String system, List<ChatMessage> messages, List<ToolSpec> tools) {
    /** Validates and copies. */
    public ModelRequest {
        Objects.requireNonNull(system, "system");
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        tools = List.copyOf(Objects.requireNonNull(tools, "tools"));
    }
}
