package dev.cairn.persistence;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A page request to the session catalogue (SPEC rule 19).
 *
 * @param parentSessionId only sessions with this parent, if given
 * @param attributes only sessions that have every one of these attributes with these values
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param cursor where to continue: the {@link SessionPage#nextCursor()} of the previous page
 */
public record SessionQuery(Optional<String> parentSessionId, Map<String, String> attributes, int limit,
                           Optional<String> cursor) {
    /** The largest page. */
    public static final int MAX_LIMIT = 1000;
    /** The page size of {@link #all()}. */
    public static final int DEFAULT_LIMIT = 50;

    /** Validates and copies. */
    public SessionQuery {
        Objects.requireNonNull(parentSessionId, "parentSessionId");
        parentSessionId.ifPresent(p -> Ids.require("parent session id", p));
        attributes = SessionMeta.copyAttributes(attributes);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("Invalid page limit " + limit + ": allowed is 1 to " + MAX_LIMIT);
        }
        Objects.requireNonNull(cursor, "cursor");
        cursor.ifPresent(SessionCursor::decode);
    }

    /** @return the first page of every session, {@value #DEFAULT_LIMIT} per page */
    public static SessionQuery all() {
        return new SessionQuery(Optional.empty(), Map.of(), DEFAULT_LIMIT, Optional.empty());
    }

    /**
     * @param parentSessionId the parent
     * @return a copy that keeps only children of {@code parentSessionId}
     */
    public SessionQuery withParent(String parentSessionId) {
        return new SessionQuery(Optional.of(parentSessionId), attributes, limit, cursor);
    }

    /**
     * @param key an attribute key
     * @param value the value it must have
     * @return a copy that also filters by this attribute
     */
    public SessionQuery withAttribute(String key, String value) {
        Map<String, String> copy = new TreeMap<>(attributes);
        copy.put(key, value);
        return new SessionQuery(parentSessionId, copy, limit, cursor);
    }

    /**
     * @param limit the page size
     * @return a copy with another page size
     */
    public SessionQuery withLimit(int limit) {
        return new SessionQuery(parentSessionId, attributes, limit, cursor);
    }

    /**
     * @param cursor the previous page's {@link SessionPage#nextCursor()}
     * @return a copy that continues after it
     */
    public SessionQuery after(String cursor) {
        return new SessionQuery(parentSessionId, attributes, limit, Optional.of(cursor));
    }

    /** @return the decoded cursor, if any */
    public Optional<SessionCursor> position() {
        return cursor.map(SessionCursor::decode);
    }

    /**
     * @param meta a session
     * @return true if it passes the parent and attribute filters (not the cursor)
     */
    public boolean matches(SessionMeta meta) {
        if (parentSessionId.isPresent() && !parentSessionId.equals(meta.parentSessionId())) {
            return false;
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!e.getValue().equals(meta.attributes().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
