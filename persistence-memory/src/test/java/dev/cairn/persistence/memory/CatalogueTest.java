package dev.cairn.persistence.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.SessionCursor;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Paging of the skip-list catalogue, with sessions created and deleted between pages. */
class CatalogueTest {

    @Test
    void pagesFollowTheSharedOrderAndNeverRepeatOrSkipOlderSessions() {
        try (MemorySessionStoreFactory factory = new MemorySessionStoreFactory()) {
            for (int i = 0; i < 40; i++) {
                factory.createStore(SessionStoreCreateRequest.of(String.format("s%02d", i))
                        .withAttributes(Map.of("parity", i % 2 == 0 ? "even" : "odd")));
            }
            List<SessionMeta> expected = factory.listSessions(SessionQuery.all().withLimit(1000)).sessions();
            assertEquals(40, expected.size());
            List<SessionMeta> sorted = new ArrayList<>(expected);
            sorted.sort(SessionCursor.NEWEST_FIRST);
            assertEquals(sorted, expected, "one page must be in SessionCursor.NEWEST_FIRST order");

            List<String> seen = new ArrayList<>();
            SessionQuery q = SessionQuery.all().withLimit(7);
            SessionPage page = factory.listSessions(q);
            seen.addAll(ids(page));
            factory.deleteSession(seen.get(seen.size() - 1));              // the cursor's own session
            factory.deleteSession(expected.get(20).sessionId());          // one on a later page
            factory.createStore(SessionStoreCreateRequest.of("newcomer"));  // newer than every cursor
            int pages = 1;
            while (page.nextCursor().isPresent()) {
                page = factory.listSessions(q.after(page.nextCursor().get()));
                seen.addAll(ids(page));
                assertTrue(page.sessions().size() <= 7);
                pages++;
            }
            List<String> older = expected.stream().map(SessionMeta::sessionId)
                    .filter(id -> !id.equals(expected.get(20).sessionId())).collect(Collectors.toList());
            assertEquals(older, seen, "pages repeated or skipped a session");
            assertEquals(6, pages);
        }
    }

    @Test
    void nextCursorIsPresentExactlyWhenMoreSessionsMatch() {
        try (MemorySessionStoreFactory factory = new MemorySessionStoreFactory()) {
            for (int i = 0; i < 6; i++) {
                factory.createStore(SessionStoreCreateRequest.of("c" + i).withParent(i < 4 ? "p" : "q")
                        .withAttributes(Map.of("k", i % 2 == 0 ? "even" : "odd")));
            }
            SessionQuery children = SessionQuery.all().withParent("p").withLimit(2);
            SessionPage first = factory.listSessions(children);
            assertEquals(2, first.sessions().size());
            assertTrue(first.nextCursor().isPresent());
            SessionPage second = factory.listSessions(children.after(first.nextCursor().get()));
            assertEquals(2, second.sessions().size());
            assertFalse(second.nextCursor().isPresent(), "no third child of p matches, yet a cursor was given");

            SessionPage evenOfP = factory.listSessions(SessionQuery.all().withParent("p").withAttribute("k", "even"));
            assertEquals(Set.of("c0", "c2"), new HashSet<>(ids(evenOfP)));
            assertTrue(factory.listSessions(SessionQuery.all().withAttribute("k", "none")).sessions().isEmpty());
        }
    }

    private static List<String> ids(SessionPage page) {
        return page.sessions().stream().map(SessionMeta::sessionId).collect(Collectors.toList());
    }
}
