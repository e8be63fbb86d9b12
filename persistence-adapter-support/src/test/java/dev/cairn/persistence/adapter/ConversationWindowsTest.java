package dev.cairn.persistence.adapter;

import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.InvalidRequestException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine on real providers: nothing an update hands over is ever lost. */
class ConversationWindowsTest {
    @TempDir
    Path dir;

    private SessionStoreFactory open(String kind) {
        return SessionStores.open(kind.equals("memory") ? "memory:" : "sqlite:" + dir.resolve("db"));
    }

    private static ConversationWindows<String> windows(SessionStoreFactory f, WindowSettings s) {
        return new ConversationWindows<>(f, false, s, new TextCodec());
    }

    private static WindowSettings defaults() {
        return WindowSettings.defaults("test", "t");
    }

    private static PersistedSessionRead read(ConversationWindows<String> w, String id, SessionReadScope scope) {
        return w.factory().openExisting(w.sessionId(id)).orElseThrow().loadSession(scope).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void evictionKeepsHistoryAndTheWindowIsWhatWasStored(String kind) {
        try (SessionStoreFactory f = open(kind)) {
            ConversationWindows<String> w = windows(f, defaults());
            List<String> window = new ArrayList<>();
            List<String> slotNodes = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                window.add("u" + i);
                if (window.size() > 5) {
                    window.remove(0);
                }
                w.replace("c", window);
                assertEquals(window, windows(f, defaults()).window("c"), "a fresh engine reads the same window");
                slotNodes.add(read(w, "c", SessionReadScope.activePathTail(1)).checkpoint().slot("t.window").orElseThrow().nodeId());
            }
            assertEquals(1, slotNodes.subList(4, 25).stream().distinct().count(),
                    "a window that only slides commits no slot: it is relative to the head");
            assertEquals(25, w.history("c").size());
            assertEquals(25, read(w, "c", SessionReadScope.fullGraph()).nodes().size(), "one node per message, no copies");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void aRewriteBranchesAndTheReplacedMessageStaysInTheGraph(String kind) {
        try (SessionStoreFactory f = open(kind)) {
            ConversationWindows<String> w = windows(f, defaults());
            w.replace("c", List.of("u1", "A:a1", "u2", "A:a2"));
            w.replace("c", List.of("u1", "A:a1", "u2", "A:other"));
            assertEquals(List.of("u1", "A:a1", "u2", "A:other"), w.history("c"));
            List<SessionNode> all = read(w, "c", SessionReadScope.fullGraph()).nodes();
            assertTrue(all.stream().anyMatch(n -> new String(n.payload()).equals("A:a2")), "the old answer is kept on its branch");
            w.replace("c", List.of("x"));
            List<SessionNode> path = read(w, "c", SessionReadScope.activePath()).nodes();
            assertEquals(NodeKind.MODE_EVENT, path.get(path.size() - 2).kind(), "a complete replacement is marked");
            assertEquals(List.of("u1", "A:a1", "u2", "A:other", "x"), w.history("c"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void clearArchivesByDefaultAndErasesWhenAsked(String kind) {
        try (SessionStoreFactory f = open(kind)) {
            ConversationWindows<String> w = windows(f, defaults());
            w.replace("c", List.of("u1", "A:a1"));
            w.clear("c");
            assertEquals(List.of(), w.window("c"));
            assertEquals(List.of("u1", "A:a1"), w.history("c"));
            w.replace("c", List.of("u2"));
            assertEquals(List.of("u2"), w.window("c"));
            assertEquals(List.of("u1", "A:a1", "u2"), w.history("c"));

            ConversationWindows<String> erasing = windows(f, defaults().withArchiveOnClear(false));
            erasing.clear("c");
            assertEquals(List.of(), w.history("c"));
            assertTrue(f.openExisting(w.sessionId("c")).isEmpty());
            w.replace("c", List.of("new"));
            assertEquals(List.of("new"), w.history("c"), "a conversation erased elsewhere starts afresh");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void strictModeThrowsOnAConcurrentUpdateAndWritesNothing(String kind) {
        try (SessionStoreFactory f = open(kind)) {
            ConversationWindows<String> strict = windows(f, defaults().withStrict(true));
            ConversationWindows<String> other = windows(f, defaults());
            strict.replace("c", List.of("u1"));
            List<String> seen = strict.window("c");
            other.replace("c", List.of("u1", "u2"));
            List<String> mine = new ArrayList<>(seen);
            mine.add("mine");
            assertThrows(RevisionConflictException.class, () -> strict.replace("c", mine));
            assertEquals(List.of("u1", "u2"), other.history("c"));
            strict.replace("c", List.of("u1", "u2", "mine")); // after reading again it goes through
            assertEquals(List.of("u1", "u2", "mine"), other.history("c"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void anAppendRacingAnotherWriterIsCarriedOverItsMessages(String kind) {
        try (SessionStoreFactory f = open(kind)) {
            ConversationWindows<String> a = windows(f, defaults());
            ConversationWindows<String> b = windows(f, defaults());
            a.replace("c", List.of("u1", "u2"));
            List<String> seenByA = a.window("c");
            b.replace("c", List.of("u1", "u2", "fromB"));
            List<String> next = new ArrayList<>(seenByA.subList(1, 2));
            next.add("fromA"); // A evicts u1 and adds its message, on the window it read
            a.replace("c", next);
            assertEquals(List.of("u1", "u2", "fromB", "fromA"), a.history("c"));
            assertEquals(List.of("u2", "fromB", "fromA"), b.window("c"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void aForkGetsTheWindowAsItWasAtTheForkMessage(String kind) {
        try (SessionStoreFactory f = open(kind)) {
            ConversationWindows<String> w = windows(f, defaults());
            w.replace("c", List.of("S:be brief", "u1", "A:a1"));
            w.replace("c", List.of("S:be brief", "u1", "A:a1", "u2", "A:a2", "u3"));
            w.fork("c", 3, "f"); // history: S, u1, a1, u2, a2, u3 -> keep up to u2
            assertEquals(List.of("S:be brief", "u1", "A:a1", "u2"), w.window("f"));
            w.replace("f", List.of("S:be brief", "u1", "A:a1", "u2", "A:fork answer"));
            assertEquals(List.of("S:be brief", "u1", "A:a1", "u2", "A:a2", "u3"), w.history("c"));
            assertEquals(List.of("S:be brief", "u1", "A:a1", "u2", "A:fork answer"), w.history("f"));
            assertThrows(InvalidRequestException.class, () -> w.fork("c", 6, "g"));
            assertTrue(w.conversationIds().containsAll(List.of("c", "f")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void usageGoesOnTheNodeOfItsResponseAndMediaIntoBlobs(String kind) {
        try (SessionStoreFactory f = open(kind)) {
            ConversationWindows<String> w = windows(f, defaults());
            w.recordUsage("c", "A:answer", "model-x", TokenUsage.of(7, 3));
            w.replace("c", List.of("IMG:pixels", "A:answer"));
            PersistedSessionRead r = read(w, "c", SessionReadScope.activePath());
            assertEquals(7, r.usage().byModel().get("model-x").inputTokens());
            assertEquals(r.nodes().get(1).nodeId(), r.usage().turns().get(0).nodeId());
            assertEquals(1, r.nodes().get(0).attachments().size());
            assertEquals(List.of("IMG:pixels", "A:answer"), windows(f, defaults()).window("c"));
            assertEquals(0, w.pendingUsage("c"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite"})
    void idsThatCairnCannotHoldAreHashedAndListedByTheirOriginal(String kind) {
        try (SessionStoreFactory f = open(kind)) {
            ConversationWindows<String> w = windows(f, defaults());
            String odd = "user 42 / chat #7 ✓ " + "x".repeat(200);
            w.replace(odd, List.of("hello"));
            assertTrue(w.sessionId(odd).startsWith("t:h."));
            assertEquals(List.of("hello"), w.window(odd));
            assertEquals(List.of(odd), w.conversationIds());
            assertFalse(w.sessionId("h.abc").equals("t:h.abc"), "a literal id cannot pose as a hashed one");
            assertThrows(InvalidRequestException.class, () -> w.replace("", List.of("x")));
            assertThrows(InvalidRequestException.class, () -> w.replace("a\0b", List.of("x")));
        }
    }
}
