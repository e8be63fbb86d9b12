package dev.cairn.persistence.example.agent;

/**
 * A model could not answer (unreachable, refused, malformed reply). The turn stops; the steps
 * committed before stay.
 */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, without secrets or payloads
     */
    public ModelException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, without secrets or payloads
     * @param cause the underlying failure
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
