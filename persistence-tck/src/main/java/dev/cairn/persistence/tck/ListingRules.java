package dev.cairn.persistence.tck;

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
import org.junit.jupiter.api.Test;

/** Rule 19: listing sessions, newest first, with a stable cursor and filters. */
abstract class ListingRules extends KitRules {

    ListingRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /** Creates sessions back to back: several may share a creation time, which the order must handle. */
    private void create(String... ids) {
        for (String id : ids) {
            open(id);
        }
    }

    private List<SessionMeta> all(SessionQuery query) {
        List<SessionMeta> out = new ArrayList<>();
        SessionQuery q = query;
        for (int page = 0; page < 1000; page++) {
            SessionPage p = factory().listSessions(q);
            check(p.sessions().size() <= q.limit(), "a page has " + p.sessions().size() + " sessions, limit " + q.limit());
            out.addAll(p.sessions());
            if (p.nextCursor().isEmpty()) {
                return out;
            }
            check(!p.sessions().isEmpty(), "an empty page has a nextCursor");
            q = q.after(p.nextCursor().get());
        }
        throw failure("listSessions returned more than 1000 pages", null);
    }

    private static List<String> ids(List<SessionMeta> metas) {
        List<String> out = new ArrayList<>();
        metas.forEach(m -> out.add(m.sessionId()));
        return out;
    }

    private static List<SessionMeta> sorted(List<SessionMeta> metas) {
        List<SessionMeta> out = new ArrayList<>(metas);
        out.sort(SessionCursor.NEWEST_FIRST);
        return out;
    }

    @Test
    void rule19_sessionsAreListedNewestFirst() {
        create("c", "a", "e", "b", "d");
        List<SessionMeta> listed = factory().listSessions(SessionQuery.all()).sessions();
        checkEquals(Set.of("a", "b", "c", "d", "e"), new HashSet<>(ids(listed)), "the listed sessions");
        checkEquals(ids(sorted(listed)), ids(listed), "listing order (createdAt descending, then id descending)");
        check(!nth(listed, 0, "listed sessions").createdAt().isBefore(listed.get(listed.size() - 1).createdAt()),
                "the first listed session is older than the last");
        checkEquals(factory().openExisting("d").orElseThrow().loadSessionMeta().orElseThrow(),
                listed.stream().filter(m -> m.sessionId().equals("d")).findFirst().orElseThrow(),
                "the listed metadata of session d and its loadSessionMeta");
    }

    @Test
    void rule19_pagesFollowTheCursorWithoutRepeatsOrGaps() {
        create("s1", "s2", "s3", "s4", "s5", "s6", "s7");
        List<SessionMeta> one = factory().listSessions(SessionQuery.all()).sessions();
        for (int limit : new int[] {1, 2, 3, 7, 8}) {
            List<SessionMeta> paged = all(SessionQuery.all().withLimit(limit));
            checkEquals(ids(one), ids(paged), "sessions listed in pages of " + limit);
        }
        SessionPage exact = factory().listSessions(SessionQuery.all().withLimit(7));
        check(exact.nextCursor().isEmpty(), "a page holding the last of exactly 7 sessions has a nextCursor");
        SessionPage partial = factory().listSessions(SessionQuery.all().withLimit(6));
        check(partial.nextCursor().isPresent(), "a page of 6 of 7 sessions has no nextCursor");
        check(factory().listSessions(SessionQuery.all()).nextCursor().isEmpty(), "the only page has a nextCursor");
    }

    @Test
    void rule19_sessionsCreatedBackToBackPageCorrectlyAcrossTies() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String id = "t" + (char) ('a' + (i * 7) % 26) + i; // ids out of creation order
            open(id);
            made.add(id);
        }
        List<SessionMeta> one = factory().listSessions(SessionQuery.all().withLimit(SessionQuery.MAX_LIMIT)).sessions();
        checkEquals(new HashSet<>(made), new HashSet<>(ids(one)), "the sessions listed in one page");
        checkEquals(ids(sorted(one)), ids(one), "the order of 30 sessions created back to back (createdAt descending,"
                + " then session id descending among sessions created in the same tick)");
        for (int limit : new int[] {1, 4, 7}) {
            List<SessionMeta> paged = all(SessionQuery.all().withLimit(limit));
            checkEquals(ids(one), ids(paged), "30 sessions created back to back, in pages of " + limit,
                    "that the cursor continues strictly after (createdAt, session id) of the page's last session, so"
                    + " sessions of the same createdAt are neither repeated nor skipped at a page boundary");
        }
    }

    @Test
    void rule19_theCursorNamesTheLastSessionOfThePage() {
        create("s1", "s2", "s3", "s4");
        SessionPage first = factory().listSessions(SessionQuery.all().withLimit(2));
        SessionMeta last = nth(first.sessions(), 1, "the first page of 2 of 4 sessions");
        String cursor = first.nextCursor().orElseThrow(() -> failure("a first page of 2 of 4 has no nextCursor", null));
        checkEquals(SessionCursor.after(last), SessionCursor.decode(cursor), "the decoded nextCursor");
    }

    @Test
    void rule19_theCursorStaysStableWhileSessionsAreCreatedAndDeleted() {
        create("s1", "s2", "s3", "s4", "s5", "s6", "s7");
        List<SessionMeta> before = factory().listSessions(SessionQuery.all()).sessions();
        SessionPage first = factory().listSessions(SessionQuery.all().withLimit(3));
        String cursor = first.nextCursor().orElseThrow();
        // newer sessions appear, a session of the first page and an older one go
        create("z-new1", "z-new2");
        String goneFromFirst = nth(first.sessions(), 1, "the first page of 3").sessionId();
        String goneOlder = nth(before, 5, "the 7 listed sessions").sessionId();
        check(factory().deleteSession(goneFromFirst), "deleteSession of a listed session returned false");
        check(factory().deleteSession(goneOlder), "deleteSession of a listed session returned false");
        List<String> rest = ids(all(SessionQuery.all().withLimit(2).after(cursor)));
        List<String> expected = new ArrayList<>(ids(before.subList(3, before.size())));
        expected.remove(goneOlder);
        checkEquals(expected, rest, "the pages after the first page's cursor, once 2 sessions were created and a session"
                + " of the first page (" + goneFromFirst + ") and an older one (" + goneOlder + ") were deleted");
    }

    @Test
    void rule19_filterByParentSession() {
        create("p1", "p2");
        factory().createStore(SessionStoreCreateRequest.of("c1").withParent("p1"));
        factory().createStore(SessionStoreCreateRequest.of("c2").withParent("p2"));
        factory().createStore(SessionStoreCreateRequest.of("c3").withParent("p1"));
        List<SessionMeta> children = all(SessionQuery.all().withParent("p1").withLimit(1));
        checkEquals(Set.of("c1", "c3"), new HashSet<>(ids(children)), "children of p1");
        checkEquals(ids(sorted(children)), ids(children), "order of the children of p1");
        checkEquals(List.of(), ids(all(SessionQuery.all().withParent("nobody"))), "children of an unknown parent");
    }

    @Test
    void rule19_filterByAttributesRequiresAllToMatch() {
        factory().createStore(SessionStoreCreateRequest.of("a").withAttributes(Map.of("team", "red", "env", "prod")));
        factory().createStore(SessionStoreCreateRequest.of("b").withAttributes(Map.of("team", "red", "env", "dev")));
        factory().createStore(SessionStoreCreateRequest.of("c").withAttributes(Map.of("team", "blue", "env", "prod")));
        factory().createStore(SessionStoreCreateRequest.of("d"));
        checkEquals(Set.of("a", "b"), new HashSet<>(ids(all(SessionQuery.all().withAttribute("team", "red")))),
                "sessions with team=red");
        checkEquals(List.of("a"), ids(all(SessionQuery.all().withAttribute("team", "red").withAttribute("env", "prod"))),
                "sessions with team=red and env=prod");
        checkEquals(List.of(), ids(all(SessionQuery.all().withAttribute("team", "green"))), "sessions with team=green");
        var d = factory().openExisting("d").orElseThrow();
        d.saveSessionMeta(d.loadSessionMeta().orElseThrow().withAttribute("team", "red").withAttribute("env", "prod"));
        checkEquals(Set.of("a", "d"), new HashSet<>(ids(all(SessionQuery.all().withAttribute("team", "red")
                .withAttribute("env", "prod").withLimit(1)))), "sessions with team=red and env=prod after d was saved");
    }
}
