package dev.cairn.persistence;

import java.util.Objects;

/**
 * The kind of a node: an open set of lower-case names, with constants for the kinds every agent
 * runtime has. Custom kinds follow {@code [a-z][a-z0-9_.-]{0,63}}.
 *
 * @param name the kind's name
 */
public record NodeKind(String name) {
    /** Input from the user. */
    public static final NodeKind USER_INPUT = new NodeKind("user_input");
    /** A response of the model. */
    public static final NodeKind ASSISTANT_RESPONSE = new NodeKind("assistant_response");
    /** A tool call the model asked for. */
    public static final NodeKind TOOL_CALL = new NodeKind("tool_call");
    /** The result of a tool call. */
    public static final NodeKind TOOL_RESULT = new NodeKind("tool_result");
    /** A change of the runtime's mode (plan, act, ...). */
    public static final NodeKind MODE_EVENT = new NodeKind("mode_event");
    /** A snapshot of the prompt material sent to the model. */
    public static final NodeKind PROMPT_SNAPSHOT = new NodeKind("prompt_snapshot");
    /** An error the runtime recorded. */
    public static final NodeKind ERROR = new NodeKind("error");

    /** What a kind name may be, for error messages. */
    public static final String RULE = "[a-z][a-z0-9_.-]{0,63}";

    /**
     * Validates the name.
     *
     * @throws InvalidRequestException if the name does not follow {@link #RULE}
     */
    public NodeKind {
        Objects.requireNonNull(name, "name");
        if (!isValid(name)) {
            throw new InvalidRequestException("Invalid node kind " + Ids.quote(name) + ": a kind is " + RULE);
        }
    }

    /**
     * Returns the kind of a name, reusing the constants for the built-in kinds.
     *
     * @param name the kind's name
     * @return the kind
     * @throws InvalidRequestException if the name does not follow {@link #RULE}
     */
    public static NodeKind of(String name) {
        Objects.requireNonNull(name, "name");
        return switch (name) {
            case "user_input" -> USER_INPUT;
            case "assistant_response" -> ASSISTANT_RESPONSE;
            case "tool_call" -> TOOL_CALL;
            case "tool_result" -> TOOL_RESULT;
            case "mode_event" -> MODE_EVENT;
            case "prompt_snapshot" -> PROMPT_SNAPSHOT;
            case "error" -> ERROR;
            default -> new NodeKind(name);
        };
    }

    private static boolean isValid(String s) {
        int n = s.length();
        if (n == 0 || n > 64) {
            return false;
        }
        char first = s.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name;
    }
}
