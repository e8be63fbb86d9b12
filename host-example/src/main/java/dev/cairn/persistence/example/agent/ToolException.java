package dev.cairn.persistence.example.agent;

/**
 * A tool call failed; the message is recorded as the call's error result and shown to the model.
 */
public class ToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     */
    public ToolException(String message) {
        super(message);
    }
}
