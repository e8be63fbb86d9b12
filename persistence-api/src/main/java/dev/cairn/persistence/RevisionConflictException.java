package dev.cairn.persistence;

/**
 * A commit expected another revision than the session's current one (SPEC rule 3). Nothing was
 * written; reload the session and retry.
 */
public class RevisionConflictException extends PersistenceException {
    private static final long serialVersionUID = 1L;
    private final String sessionId;
    private final long expected;
    private final long actual;

    /**
     * Creates the exception.
     *
     * @param sessionId the session
     * @param expected the revision the commit expected
     * @param actual the session's revision when the commit ran
     */
    public RevisionConflictException(String sessionId, long expected, long actual) {
        super("Revision conflict in session '" + sessionId + "': the commit expected revision "
                + expected + " but the session is at revision " + actual
                + "; reload the session and retry");
        this.sessionId = sessionId;
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the session whose revision moved */
    public String sessionId() {
        return sessionId;
    }

    /** @return the revision the commit expected */
    public long expected() {
        return expected;
    }

    /** @return the session's revision when the commit ran */
    public long actual() {
        return actual;
    }
}
