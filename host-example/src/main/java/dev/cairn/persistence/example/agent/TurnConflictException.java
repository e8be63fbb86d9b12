package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.RevisionConflictException;

/**
 * A step of a turn met a revision conflict on every one of its bounded retries: other writers kept
 * moving the session. The steps committed before stay; nothing of the failed step was written.
 */
public class TurnConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param chatId the session
     * @param attempts how many times the step was tried
     * @param last the last conflict
     */
    public TurnConflictException(String chatId, int attempts, RevisionConflictException last) {
        super("Chat '" + chatId + "' kept changing: a step of the turn met a revision conflict " + attempts
                + " times; try again", last);
    }
}
