package dev.cairn.persistence;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void contentHashIsSha256InLowerHex() {
        ContentHash h = ContentHash.of("abc".getBytes(UTF_8));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", h.hex());
        assertEquals("sha256:" + h.hex(), h.toString());
        assertEquals(h, ContentHash.parse(h.toString()));
        assertEquals(h, ContentHash.parse(h.hex()));
        assertEquals(h, ContentHash.ofDigest(h.toBytes()));
        assertTrue(h.matches("abc".getBytes(UTF_8)));
        assertFalse(h.matches("abd".getBytes(UTF_8)));
        assertThrows(InvalidRequestException.class, () -> ContentHash.parse(h.hex().toUpperCase()));
        assertThrows(InvalidRequestException.class, () -> ContentHash.parse("abc"));
    }

    @Test
    void sessionMetaValidatesAndCopies() {
        Map<String, String> attrs = new java.util.HashMap<>(Map.of("owner", "alice"));
        SessionMeta m = new SessionMeta("s1", "name", "gpt", "/tmp", Optional.empty(), Instant.EPOCH, attrs);
        attrs.put("owner", "mallory");
        assertEquals("alice", m.attributes().get("owner"));
        assertEquals("bob", m.withAttribute("owner", "bob").attributes().get("owner"));
        assertThrows(InvalidRequestException.class,
                () -> new SessionMeta("a/b", "", "", "", Optional.empty(), Instant.EPOCH, Map.of()));
        assertThrows(InvalidRequestException.class,
                () -> new SessionMeta("s", "", "", "", Optional.empty(), Instant.EPOCH, Map.of("bad key", "v")));
        assertThrows(InvalidRequestException.class,
                () -> new SessionMeta("s", "x".repeat(4097), "", "", Optional.empty(), Instant.EPOCH, Map.of()));
    }

    @Test
    void cursorsRoundTripAndOrderNewestFirst() {
        Instant t = Instant.parse("2026-11-21T10:00:00.123456Z");
        SessionMeta older = meta("b", t.minusSeconds(1));
        SessionMeta sameTimeLowerId = meta("a", t);
        SessionMeta newest = meta("c", t.plusSeconds(1));
        SessionMeta sameTimeHigherId = meta("z", t);
        List<SessionMeta> all = new ArrayList<>(List.of(older, sameTimeLowerId, newest, sameTimeHigherId));
        all.sort(SessionCursor.NEWEST_FIRST);
        assertEquals(List.of("c", "z", "a", "b"), all.stream().map(SessionMeta::sessionId).toList());

        SessionCursor c = SessionCursor.after(sameTimeHigherId);
        assertEquals(c, SessionCursor.decode(c.encode()));
        assertFalse(c.precedes(newest));
        assertFalse(c.precedes(sameTimeHigherId));
        assertTrue(c.precedes(sameTimeLowerId));
        assertTrue(c.precedes(older));
        assertThrows(InvalidRequestException.class, () -> SessionCursor.decode("not-a-cursor"));
        assertThrows(InvalidRequestException.class, () -> SessionQuery.all().after("%%%"));
    }

    @Test
    void queriesFilterByParentAndAttributes() {
        SessionMeta child = new SessionMeta("c", "", "", "", Optional.of("p"), Instant.EPOCH, Map.of("team", "x"));
        assertTrue(SessionQuery.all().matches(child));
        assertTrue(SessionQuery.all().withParent("p").withAttribute("team", "x").matches(child));
        assertFalse(SessionQuery.all().withParent("q").matches(child));
        assertFalse(SessionQuery.all().withAttribute("team", "y").matches(child));
        assertThrows(InvalidRequestException.class, () -> SessionQuery.all().withLimit(0));
        assertThrows(InvalidRequestException.class, () -> SessionQuery.all().withLimit(1001));
    }

    @Test
    void requestsValidate() {
        assertThrows(InvalidRequestException.class, () -> SessionStoreCreateRequest.of(""));
        assertThrows(InvalidRequestException.class, () -> ForkRequest.of("a", "n", "a"));
        assertThrows(InvalidRequestException.class, () -> SessionReadScope.activePathTail(0));
        assertThrows(InvalidRequestException.class, () -> new StorePolicy(0, 1));
        assertEquals("p", SessionStoreCreateRequest.of("s").withParent("p").parentSessionId().orElseThrow());
        assertTrue(Durability.POWER_LOSS_SAFE.isAtLeast(Durability.PROCESS_CRASH_SAFE));
        assertFalse(Durability.VOLATILE.isAtLeast(Durability.PROCESS_CRASH_SAFE));
    }

    private static SessionMeta meta(String id, Instant at) {
        return new SessionMeta(id, "", "", "", Optional.empty(), at, Map.of());
    }
}
