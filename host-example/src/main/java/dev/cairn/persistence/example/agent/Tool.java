package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;

/**
 * A tool a model may call. A tool keeps what it remembers in its slice of the session's tool
 * state, which the runtime checkpoints in the {@code tool_state} slot, so state follows rewinds and
 * forks. Tools must not have side effects outside that state: after a commit conflict the runtime
 * runs the call again on the reloaded state.
 */
public interface Tool {

    /** @return the tool's name, description and argument schema */
    ToolSpec spec();

    /**
     * Runs a call.
     *
     * @param arguments the call's arguments, a JSON object
     * @param state this tool's slice of the tool state; change it in place
     * @param clock the runtime's clock
     * @return the result, a JSON value
     * @throws ToolException if the arguments are wrong or the call fails; recorded as an error result
     */
    JsonNode call(JsonNode arguments, ObjectNode state, Clock clock);
}
