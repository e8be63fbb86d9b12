package dev.cairn.persistence.cli;

import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Walks the session catalogue page by page with the API's cursors. */
final class Catalogue {
    private static final int PAGE = 200;

    private Catalogue() {
    }

    /**
     * @param factory the store
     * @param parent only children of this session, if given
     * @param attributes only sessions with these attribute values
     * @param limit at most this many
     * @return the sessions, newest first
     */
    static List<SessionMeta> list(SessionStoreFactory factory, Optional<String> parent, Map<String, String> attributes,
                                  int limit) {
        List<SessionMeta> all = new ArrayList<>();
        SessionQuery q = new SessionQuery(parent, attributes, Math.min(PAGE, limit), Optional.empty());
        while (true) {
            SessionPage page = factory.listSessions(q);
            all.addAll(page.sessions());
            if (all.size() >= limit || page.nextCursor().isEmpty()) {
                break;
            }
            q = q.withLimit(Math.min(PAGE, limit - all.size())).after(page.nextCursor().get());
        }
        return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
    }

    /** @return every session id, newest first */
    static List<String> allIds(SessionStoreFactory factory) {
        return list(factory, Optional.empty(), Map.of(), Integer.MAX_VALUE).stream().map(SessionMeta::sessionId).toList();
    }
}
