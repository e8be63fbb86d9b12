package dev.cairn.persistence;

/**
 * Bad input: the message says what was wrong and what is allowed. Nothing was written.
 */
public class InvalidRequestException extends PersistenceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and what is allowed
     */
    public InvalidRequestException(String message) {
        super(message);
    }
}
