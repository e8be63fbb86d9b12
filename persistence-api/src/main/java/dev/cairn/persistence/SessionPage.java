package dev.cairn.persistence;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of the session catalogue, newest first.
 *
 * @param sessions the sessions of the page
 * @param nextCursor the cursor of the next page, or empty if this is the last
 */
public record SessionPage(List<SessionMeta> sessions, Optional<String> nextCursor) {
    /** Validates and copies. */
    public SessionPage {
        sessions = List.copyOf(Objects.requireNonNull(sessions, "sessions"));
        Objects.requireNonNull(nextCursor, "nextCursor");
    }
}
