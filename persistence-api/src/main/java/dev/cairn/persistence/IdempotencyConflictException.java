package dev.cairn.persistence;

/**
 * An idempotency key was used again with different content (SPEC rule 7). Nothing was written.
 */
public class IdempotencyConflictException extends PersistenceException {
    private static final long serialVersionUID = 1L;
    private final String idempotencyKey;

    /**
     * Creates the exception.
     *
     * @param sessionId the session
     * @param idempotencyKey the key that was reused
     */
    public IdempotencyConflictException(String sessionId, String idempotencyKey) {
        super("Idempotency key '" + idempotencyKey + "' of session '" + sessionId
                + "' was already used by a commit with different content; use a new key for new content");
        this.idempotencyKey = idempotencyKey;
    }

    /** @return the key that was reused */
    public String idempotencyKey() {
        return idempotencyKey;
    }
}
