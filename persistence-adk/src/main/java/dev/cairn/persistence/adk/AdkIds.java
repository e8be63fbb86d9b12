package dev.cairn.persistence.adk;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.adapter.FrameworkIds;

import java.nio.charset.StandardCharsets;

/**
 * The Cairn ids of ADK's sessions, shared state and events. A session id is unique only per
 * (appName, userId), so the Cairn id is built from all three, length-prefixed so that no two triples
 * meet; the originals are kept as attributes and checked on every call.
 */
final class AdkIds {
    static final String APP = "adk.app";
    static final String USER = "adk.user";
    static final String SESSION = "adk.session";
    static final String SCOPE = "adk.scope";

    private static final FrameworkIds SESSIONS = new FrameworkIds("adk");
    private static final FrameworkIds APP_STATE = new FrameworkIds("adkapp");
    private static final FrameworkIds USER_STATE = new FrameworkIds("adkuser");

    private AdkIds() {
    }

    static String session(String app, String user, String sessionId) {
        return SESSIONS.sessionId(key(app, user, sessionId));
    }

    static String appState(String app) {
        return APP_STATE.sessionId(key(app));
    }

    static String userState(String app, String user) {
        return USER_STATE.sessionId(key(app, user));
    }

    /** An event's node id: the event id when it is a legal Cairn id, else a hash of it. */
    static String eventNode(String eventId) {
        String direct = "e." + eventId;
        if (direct.length() <= Ids.MAX_LENGTH && Ids.isValid(direct)) {
            return direct;
        }
        return "e.h." + hex(eventId);
    }

    /** The node id, in a shared-state session, of the delta an event (or a creation) brought. */
    static String deltaNode(String sourceSessionId, String eventNode) {
        return "d." + hex(sourceSessionId + "\n" + eventNode);
    }

    /** Checks an ADK name (app, user or session id): 1 to 4,096 characters, not blank, no NUL. */
    static void require(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(what + " must not be null or blank");
        }
        if (value.length() > SessionMeta.MAX_ATTRIBUTE_VALUE || value.indexOf('\0') >= 0) {
            throw new InvalidRequestException(what + " must have at most " + SessionMeta.MAX_ATTRIBUTE_VALUE
                    + " characters and no NUL character; this one has " + value.length() + " characters");
        }
    }

    private static String key(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append(p.length()).append('.').append(p);
        }
        return b.toString();
    }

    private static String hex(String s) {
        byte[] d = ContentHash.digest(s.getBytes(StandardCharsets.UTF_8));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append(String.format("%02x", d[i] & 0xff));
        }
        return b.toString();
    }
}
