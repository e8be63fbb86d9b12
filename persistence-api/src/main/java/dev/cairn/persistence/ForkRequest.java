package dev.cairn.persistence;

import java.util.Objects;

/**
 * Asks a factory to fork a session at a node (SPEC rule 20).
 *
 * @param sourceSessionId the session to fork
 * @param atNodeId a live node of the source; it becomes the fork's head
 * @param newSessionId the id of the new session, which must not exist
 * @param policy the limits of the returned store
 */
public record ForkRequest(String sourceSessionId, String atNodeId, String newSessionId, StorePolicy policy) {
    /** Validates. */
    public ForkRequest {
        Ids.require("source session id", sourceSessionId);
        Ids.require("fork node id", atNodeId);
        Ids.require("new session id", newSessionId);
        Objects.requireNonNull(policy, "policy");
        if (sourceSessionId.equals(newSessionId)) {
            throw new InvalidRequestException("A fork needs a new session id, got the source's own id "
                    + Ids.quote(newSessionId));
        }
    }

    /**
     * A fork with the default policy.
     *
     * @param sourceSessionId the session to fork
     * @param atNodeId the node to fork at
     * @param newSessionId the new session's id
     * @return the request
     */
    public static ForkRequest of(String sourceSessionId, String atNodeId, String newSessionId) {
        return new ForkRequest(sourceSessionId, atNodeId, newSessionId, StorePolicy.DEFAULT);
    }
}
