package dev.cairn.persistence.memory;

import static dev.cairn.persistence.memory.Fixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageLedger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForkTest {
    private MemorySessionStoreFactory factory;
    private RuntimePersistence source;
    private BlobRef image;

    /** Source: u1 -> a1 -> u2 (head), with a side branch b1 under u1. */
    @BeforeEach
    void setUp() {
        factory = new MemorySessionStoreFactory();
        source = factory.createStore(SessionStoreCreateRequest.of("src").withName("Source").withModel("m")
                .withCwd("/w").withAttributes(Map.of("user", "ada")));
        RuntimeCommit.Builder first = RuntimeCommit.expecting(0);
        image = first.attach(bytes("image"), "image/png");
        source.commitRuntimeState(first
                .append(NewNode.root("u1", NodeKind.USER_INPUT, bytes("q1"), image))
                .append(NewNode.child("a1", "u1", NodeKind.ASSISTANT_RESPONSE, bytes("r1")))
                .head("a1").checkpoint("tool_state", bytes("T@a1")).usage("a1", "m", TokenUsage.of(10, 2)).build());
        source.commitRuntimeState(RuntimeCommit.expecting(1)
                .append(NewNode.child("b1", "u1", NodeKind.ASSISTANT_RESPONSE, bytes("side"))).build());
        source.commitRuntimeState(RuntimeCommit.expecting(2)
                .append(NewNode.child("u2", "a1", NodeKind.USER_INPUT, bytes("q2")))
                .head("u2").checkpoint("plugin_state", bytes("P@u2")).build());
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    @Test
    void forkCopiesTheActivePathToTheForkNode() {
        PersistedSessionRead before = read(source, SessionReadScope.activePathTo("a1"));
        RuntimePersistence fork = factory.forkSession(ForkRequest.of("src", "a1", "fork"));
        PersistedSessionRead f = read(fork, SessionReadScope.fullGraph());

        assertEquals(List.of("u1", "a1"), ids(f.nodes()));
        for (int i = 0; i < 2; i++) {
            SessionNode orig = before.nodes().get(i);
            SessionNode copy = f.nodes().get(i);
            assertEquals(orig.nodeId(), copy.nodeId());
            assertEquals(orig.parentNodeId(), copy.parentNodeId());
            assertEquals(orig.kind(), copy.kind());
            assertArrayEquals(orig.payload(), copy.payload());
            assertEquals(orig.payloadHash(), copy.payloadHash());
            assertEquals(orig.attachments(), copy.attachments());
            assertEquals(orig.createdAt(), copy.createdAt());
            assertEquals(i + 1, copy.seq(), "a fork numbers its copied path 1..k");
        }
        assertEquals(Optional.of("a1"), f.head().nodeId());
        assertEquals(0, f.head().revision());
        assertEquals(before.checkpoint(), f.checkpoint(), "per-slot checkpoint at the fork node");
        assertTrue(f.checkpoint().slot("plugin_state").isEmpty(), "a slot committed below the fork node leaked");
        assertEquals(UsageLedger.EMPTY, f.usage());

        SessionMeta sm = source.loadSessionMeta().orElseThrow();
        SessionMeta fm = fork.loadSessionMeta().orElseThrow();
        assertEquals(Optional.of("src"), fm.parentSessionId());
        assertEquals(List.of(sm.name(), sm.model(), sm.cwd(), sm.attributes()),
                List.of(fm.name(), fm.model(), fm.cwd(), fm.attributes()));
        assertFalse(fm.createdAt().isBefore(sm.createdAt()), "a fork is created after its source");
    }

    @Test
    void neitherSessionSeesTheOthersLaterCommits() {
        RuntimePersistence fork = factory.forkSession(ForkRequest.of("src", "a1", "fork"));
        fork.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(NewNode.child("x", "a1", NodeKind.ASSISTANT_RESPONSE, bytes("fork's x"))).head("x")
                .checkpoint("tool_state", bytes("T@fork")).usage("x", "m", TokenUsage.of(1, 1)).build());
        source.commitRuntimeState(RuntimeCommit.expecting(3)
                .append(NewNode.child("x", "u2", NodeKind.ASSISTANT_RESPONSE, bytes("source's x"))).head("x").build());
        source.tombstoneNodes(List.of("b1"));
        source.saveSessionMeta(source.loadSessionMeta().orElseThrow().withName("renamed"));

        assertArrayEquals(bytes("fork's x"), fork.loadNode("x").orElseThrow().payload());
        assertArrayEquals(bytes("source's x"), source.loadNode("x").orElseThrow().payload());
        assertEquals(List.of("u1", "a1", "x"), ids(read(fork, SessionReadScope.activePath()).nodes()));
        assertEquals(List.of("u1", "a1", "u2", "x"), ids(read(source, SessionReadScope.activePath()).nodes()));
        assertEquals("Source", fork.loadSessionMeta().orElseThrow().name());
        assertArrayEquals(bytes("T@a1"), source.loadBlob(
                read(source, SessionReadScope.activePath()).checkpoint().slot("tool_state").orElseThrow().blob().hash())
                .orElseThrow(), "a checkpoint committed in the fork changed the source");
        assertEquals(TokenUsage.of(10, 2), read(source, SessionReadScope.activePath()).usage().total());
        assertEquals(TokenUsage.of(1, 1), read(fork, SessionReadScope.activePath()).usage().total());
    }

    @Test
    void blobsAreSharedAndOutliveTheSource() {
        RuntimePersistence fork = factory.forkSession(ForkRequest.of("src", "u1", "fork"));
        assertTrue(factory.deleteSession("src"));
        assertArrayEquals(bytes("image"), fork.loadBlob(image.hash()).orElseThrow(), "a blob the fork uses was deleted");
        fork.gcUnreachable();
        assertTrue(fork.loadBlob(image.hash()).isPresent(), "gc deleted a blob a live node of the fork references");
        assertTrue(factory.deleteSession("fork"));
        RuntimePersistence other = factory.createStore(SessionStoreCreateRequest.of("other"));
        assertTrue(factory.loadBlob(image.hash()).isEmpty(), "the last session referencing the blob was deleted");
    }

    @Test
    void forkOfAPayloadNoOneReadYetEqualsForkOfOneAlreadyRead() {
        RuntimePersistence unread = factory.forkSession(ForkRequest.of("src", "u2", "unread"));
        read(source, SessionReadScope.activePath());
        RuntimePersistence read = factory.forkSession(ForkRequest.of("src", "u2", "read"));
        assertEquals(read(read, SessionReadScope.activePath()).nodes(), read(unread, SessionReadScope.activePath()).nodes());
    }

    @Test
    void forkErrorsNameWhatIsWrong() {
        assertThrows(SessionNotFoundException.class, () -> factory.forkSession(ForkRequest.of("nope", "u1", "f")));
        assertThrows(InvalidRequestException.class, () -> factory.forkSession(ForkRequest.of("src", "zz", "f")));
        source.tombstoneNodes(List.of("b1"));
        assertThrows(InvalidRequestException.class, () -> factory.forkSession(ForkRequest.of("src", "b1", "f")));
        factory.createStore(SessionStoreCreateRequest.of("taken"));
        InvalidRequestException taken = assertThrows(InvalidRequestException.class,
                () -> factory.forkSession(ForkRequest.of("src", "u1", "taken")));
        assertTrue(taken.getMessage().contains("'taken'"), taken.getMessage());
        assertTrue(factory.openExisting("f").isEmpty(), "a failed fork left a session behind");
    }

    private static PersistedSessionRead read(RuntimePersistence store, SessionReadScope scope) {
        return store.loadSession(scope).orElseThrow();
    }

    private static List<String> ids(List<SessionNode> nodes) {
        return nodes.stream().map(SessionNode::nodeId).collect(Collectors.toList());
    }
}
