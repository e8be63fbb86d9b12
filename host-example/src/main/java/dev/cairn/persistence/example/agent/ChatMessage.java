package dev.cairn.persistence.example.agent;

import java.util.List;
import java.util.Objects;

/**
 * One message of the context sent to a model, assembled from session nodes.
 *
 * @param role who said it
 * @param text the text; for a tool message, the result as JSON text
 * @param toolCalls for an assistant message, the tool calls it asked for
 * @param toolCallId for a tool message, the call it answers; else empty
 * @param toolName for a tool message, the tool's name; else empty
 */
public record ChatMessage(Role role, String text, List<ToolCall> toolCalls, String toolCallId, String toolName) {
    /** Who said a message. */
    public enum Role {
        /** The user. */
        USER,
        /** The model. */
        ASSISTANT,
        /** A tool's result. */
        TOOL
    }

    /** Validates and copies. */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(toolName, "toolName");
    }

    /**
     * @param text what the user said
     * @return a user message
     */
    public static ChatMessage user(String text) {
        return new ChatMessage(Role.USER, text, List.of(), "", "");
    }

    /**
     * @param text the model's text, may be empty
     * @param toolCalls the tool calls it asked for
     * @return an assistant message
     */
    public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, text, toolCalls, "", "");
    }

    /**
     * @param toolCallId the call answered
     * @param toolName the tool
     * @param resultJson the result as JSON text
     * @return a tool message
     */
    public static ChatMessage tool(String toolCallId, String toolName, String resultJson) {
        return new ChatMessage(Role.TOOL, resultJson, List.of(), toolCallId, toolName);
    }
}
