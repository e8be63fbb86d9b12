package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.TokenUsage;
import java.util.List;
import java.util.Objects;

/**
 * What a model answered: text, tool calls, or both, and what it cost.
 *
 * @param text the text, may be empty when it only calls tools
 * @param toolCalls the tool calls it asks for; empty for a final answer
 * @param model the model that answered, as its provider names it (for the usage ledger)
 * @param usage the tokens the call used
 */
public record ModelReply(String text, List<ToolCall> toolCalls, String model, TokenUsage usage) {
    /** Validates and copies. */
    public ModelReply {
        Objects.requireNonNull(text, "text");
        toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(usage, "usage");
    }

    /** @return true if the reply asks for no tool: the turn ends with it */
    public boolean isFinal() {
        return toolCalls.isEmpty();
    }
}
