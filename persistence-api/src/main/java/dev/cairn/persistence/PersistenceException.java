package dev.cairn.persistence;

/**
 * The root of every exception Cairn throws. All are unchecked: a host decides where to handle them.
 */
public class PersistenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what happened, and where it helps, what to do
     */
    public PersistenceException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what happened, and where it helps, what to do
     * @param cause the underlying failure
     */
    public PersistenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
