package dev.cairn.persistence;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks a factory for the store of a session, creating the session if it does not exist. The
 * metadata fields seed a new session and are ignored for an existing one (SPEC rule 18).
 *
 * @param sessionId the session's id ({@link Ids#RULE})
 * @param parentSessionId the parent session (subagent, fork), if any
 * @param policy the limits of the returned store
 * @param name the display name of a new session
 * @param model the model of a new session
 * @param cwd the working directory of a new session
 * @param attributes the attributes of a new session
 */
public record SessionStoreCreateRequest(String sessionId, Optional<String> parentSessionId, StorePolicy policy,
                                        String name, String model, String cwd, Map<String, String> attributes) {
    /** Validates and copies. */
    public SessionStoreCreateRequest {
        Ids.require("session id", sessionId);
        Objects.requireNonNull(parentSessionId, "parentSessionId");
        parentSessionId.ifPresent(p -> Ids.require("parent session id", p));
        Objects.requireNonNull(policy, "policy");
        SessionMeta.requireText("name", name);
        SessionMeta.requireText("model", model);
        SessionMeta.requireText("cwd", cwd);
        attributes = SessionMeta.copyAttributes(attributes);
    }

    /**
     * A request with no parent, the default policy and empty metadata.
     *
     * @param sessionId the session's id
     * @return the request
     */
    public static SessionStoreCreateRequest of(String sessionId) {
        return new SessionStoreCreateRequest(sessionId, Optional.empty(), StorePolicy.DEFAULT, "", "", "", Map.of());
    }

    /**
     * @param parentSessionId the parent session
     * @return a copy with a parent
     */
    public SessionStoreCreateRequest withParent(String parentSessionId) {
        Objects.requireNonNull(parentSessionId, "parentSessionId");
        return new SessionStoreCreateRequest(sessionId, Optional.of(parentSessionId), policy, name, model, cwd, attributes);
    }

    /**
     * @param policy the limits
     * @return a copy with another policy
     */
    public SessionStoreCreateRequest withPolicy(StorePolicy policy) {
        return new SessionStoreCreateRequest(sessionId, parentSessionId, policy, name, model, cwd, attributes);
    }

    /**
     * @param name the display name
     * @return a copy with a name
     */
    public SessionStoreCreateRequest withName(String name) {
        return new SessionStoreCreateRequest(sessionId, parentSessionId, policy, name, model, cwd, attributes);
    }

    /**
     * @param model the model
     * @return a copy with a model
     */
    public SessionStoreCreateRequest withModel(String model) {
        return new SessionStoreCreateRequest(sessionId, parentSessionId, policy, name, model, cwd, attributes);
    }

    /**
     * @param cwd the working directory
     * @return a copy with a working directory
     */
    public SessionStoreCreateRequest withCwd(String cwd) {
        return new SessionStoreCreateRequest(sessionId, parentSessionId, policy, name, model, cwd, attributes);
    }

    /**
     * @param attributes the attributes
     * @return a copy with attributes
     */
    public SessionStoreCreateRequest withAttributes(Map<String, String> attributes) {
        return new SessionStoreCreateRequest(sessionId, parentSessionId, policy, name, model, cwd, attributes);
    }
}
