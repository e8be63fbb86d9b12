package dev.cairn.persistence;

/**
 * The session does not exist, or was deleted while a store of it was open.
 */
public class SessionNotFoundException extends PersistenceException {
    private static final long serialVersionUID = 1L;
    private final String sessionId;

    /**
     * Creates the exception.
     *
     * @param sessionId the missing session
     */
    public SessionNotFoundException(String sessionId) {
        super("Session '" + sessionId + "' does not exist (it was never created or has been deleted)");
        this.sessionId = sessionId;
    }

    /** @return the missing session */
    public String sessionId() {
        return sessionId;
    }
}
