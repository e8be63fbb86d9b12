package dev.cairn.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Objects;

/**
 * A position in the session catalogue, which is ordered newest first: by {@code createdAt}
 * descending, then by session id descending. A cursor names the last session of a page, so pages
 * stay stable while sessions are created or deleted (SPEC rule 19). Providers share this class so
 * that every provider orders and encodes the same way.
 *
 * @param createdAt the creation time of the last session of the page
 * @param sessionId the id of the last session of the page
 */
public record SessionCursor(Instant createdAt, String sessionId) {
    /** The catalogue order: newest first, ties broken by session id descending. */
    public static final Comparator<SessionMeta> NEWEST_FIRST = Comparator
            .comparing(SessionMeta::createdAt).reversed()
            .thenComparing(Comparator.comparing(SessionMeta::sessionId).reversed());

    /** Validates. */
    public SessionCursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Ids.require("session id", sessionId);
    }

    /**
     * @param meta the last session of a page
     * @return the cursor after it
     */
    public static SessionCursor after(SessionMeta meta) {
        return new SessionCursor(meta.createdAt(), meta.sessionId());
    }

    /**
     * @param meta a session
     * @return true if {@code meta} comes after this cursor in the catalogue order
     */
    public boolean precedes(SessionMeta meta) {
        int c = meta.createdAt().compareTo(createdAt);
        return c < 0 || (c == 0 && meta.sessionId().compareTo(sessionId) < 0);
    }

    /** @return the opaque text form for {@link SessionPage#nextCursor()} */
    public String encode() {
        String raw = "v1|" + createdAt.getEpochSecond() + "|" + createdAt.getNano() + "|" + sessionId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses a cursor that {@link #encode()} wrote.
     *
     * @param text the cursor
     * @return the position
     * @throws InvalidRequestException if it is not a cursor of this format
     */
    public static SessionCursor decode(String text) {
        Objects.requireNonNull(text, "cursor");
        try {
            String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 4);
            if (parts.length != 4 || !parts[0].equals("v1")) {
                throw new IllegalArgumentException("bad layout");
            }
            Instant at = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            return new SessionCursor(at, parts[3]);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new InvalidRequestException("Invalid session cursor " + Ids.quote(text)
                    + ": pass back exactly the nextCursor of a previous SessionPage");
        }
    }
}
