package dev.cairn.persistence.example.agent;

/**
 * A turn stopped after it started: its committed steps stay as history and an {@code error} node
 * ends it, answering every open tool call. Also thrown again when a retry of the same turn (same
 * idempotency key) finds it ended that way.
 */
public class TurnFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String turnId;
    private final String code;

    /**
     * @param turnId the turn
     * @param code {@code model_error}, {@code conflict} or {@code internal}
     * @param message what went wrong, without secrets
     * @param cause the failure, if known here
     */
    public TurnFailedException(String turnId, String code, String message, Throwable cause) {
        super(message, cause);
        this.turnId = turnId;
        this.code = code;
    }

    /** @return the turn */
    public String turnId() {
        return turnId;
    }

    /** @return the kind of failure, as recorded in the error node */
    public String code() {
        return code;
    }
}
