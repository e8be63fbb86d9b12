package dev.cairn.persistence;

/**
 * Stored data failed verification, for example a blob whose bytes no longer hash to its name
 * (SPEC rule 13). The store never returns such bytes.
 */
public class StoreCorruptedException extends PersistenceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed verification, and where
     */
    public StoreCorruptedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed verification, and where
     * @param cause the underlying failure
     */
    public StoreCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
