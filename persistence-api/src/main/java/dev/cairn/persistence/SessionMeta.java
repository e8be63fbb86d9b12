package dev.cairn.persistence;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The metadata of a session.
 *
 * @param sessionId the session's id ({@link Ids#RULE})
 * @param name a display name, may be empty
 * @param model the model the session mostly uses, may be empty
 * @param cwd the working directory of the host, may be empty
 * @param parentSessionId the session this one was forked from or spawned by, if any
 * @param createdAt when the session was created
 * @param attributes free-form attributes; keys follow {@link Ids#RULE}, values are at most
 *     {@value #MAX_ATTRIBUTE_VALUE} characters
 */
public record SessionMeta(String sessionId, String name, String model, String cwd,
                          Optional<String> parentSessionId, Instant createdAt, Map<String, String> attributes) {
    /** The longest attribute value, and the longest name, model and cwd, in characters. */
    public static final int MAX_ATTRIBUTE_VALUE = 4096;

    /** Validates and copies. */
    public SessionMeta {
        Ids.require("session id", sessionId);
        requireText("name", name);
        requireText("model", model);
        requireText("cwd", cwd);
        Objects.requireNonNull(parentSessionId, "parentSessionId");
        parentSessionId.ifPresent(p -> Ids.require("parent session id", p));
        Objects.requireNonNull(createdAt, "createdAt");
        attributes = copyAttributes(attributes);
    }

    /**
     * @param name the new name
     * @return a copy with another name
     */
    public SessionMeta withName(String name) {
        return new SessionMeta(sessionId, name, model, cwd, parentSessionId, createdAt, attributes);
    }

    /**
     * @param model the new model
     * @return a copy with another model
     */
    public SessionMeta withModel(String model) {
        return new SessionMeta(sessionId, name, model, cwd, parentSessionId, createdAt, attributes);
    }

    /**
     * @param attributes the new attributes
     * @return a copy with other attributes
     */
    public SessionMeta withAttributes(Map<String, String> attributes) {
        return new SessionMeta(sessionId, name, model, cwd, parentSessionId, createdAt, attributes);
    }

    /**
     * @param key the attribute's key
     * @param value its value
     * @return a copy with one attribute set
     */
    public SessionMeta withAttribute(String key, String value) {
        Map<String, String> copy = new TreeMap<>(attributes);
        copy.put(key, value);
        return withAttributes(copy);
    }

    static Map<String, String> copyAttributes(Map<String, String> attributes) {
        Objects.requireNonNull(attributes, "attributes");
        TreeMap<String, String> copy = new TreeMap<>();
        attributes.forEach((k, v) -> {
            Ids.require("attribute key", k);
            requireText("value of attribute " + k, v);
            copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }

    static String requireText(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.length() > MAX_ATTRIBUTE_VALUE || value.indexOf('\0') >= 0) {
            throw new InvalidRequestException("Invalid " + what + ": at most " + MAX_ATTRIBUTE_VALUE
                    + " characters and no NUL character, got " + value.length() + " characters");
        }
        return value;
    }
}
