package dev.cairn.persistence.memory;

import static dev.cairn.persistence.memory.Fixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mechanisms this provider adds on top of the rules: cached checkpoints, blobs stored only
 * when referenced, iterative path walks, id reuse after vacuum, handles of deleted sessions, and
 * the order of the commit checks.
 */
class MechanicsTest {
    private MemorySessionStoreFactory factory;
    private RuntimePersistence store;

    @BeforeEach
    void setUp() {
        factory = new MemorySessionStoreFactory();
        store = factory.createStore(SessionStoreCreateRequest.of("s"));
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    @Test
    void cachedCheckpointsFollowASlotReplacedAtAStoredNode() {
        store.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(NewNode.root("r", NodeKind.USER_INPUT, bytes("r")))
                .append(NewNode.child("a", "r", NodeKind.USER_INPUT, bytes("a")))
                .head("a").checkpoint("tool_state", bytes("v1")).build());
        Fixtures.chain(store, 1, "a", "b", "c");
        assertEquals("v1", slot(read(SessionReadScope.activePath()).checkpoint()));

        store.commitRuntimeState(RuntimeCommit.expecting(3).head("a").checkpoint("tool_state", bytes("v2")).build());
        RuntimeCommitResult back = store.commitRuntimeState(RuntimeCommit.expecting(4).head("c").build());
        assertEquals("v2", slot(back.checkpoint()), "the head's cached checkpoint kept the replaced slot");
        assertEquals("v2", slot(read(SessionReadScope.activePathTo("b")).checkpoint()));
        assertEquals("a", back.checkpoint().slot("tool_state").orElseThrow().nodeId());
    }

    @Test
    void emptyCachedCheckpointsFollowASlotAddedAtAnAncestor() {
        // Every node of r, a, b, c resolves to no slots and keeps that in its row alone (issue 19);
        // a slot committed later at r must reach them all, and a sibling path must stay empty.
        Fixtures.chain(store, 0, null, "r", "a", "b", "c");
        assertTrue(read(SessionReadScope.activePath()).checkpoint().isEmpty());
        store.commitRuntimeState(RuntimeCommit.expecting(4).head("r").checkpoint("tool_state", bytes("v1")).build());
        RuntimeCommitResult back = store.commitRuntimeState(RuntimeCommit.expecting(5).head("c").build());
        assertEquals("v1", slot(back.checkpoint()), "an empty cached checkpoint below r outlived the slot");
        assertEquals("r", back.checkpoint().slot("tool_state").orElseThrow().nodeId());
        assertEquals("v1", slot(read(SessionReadScope.activePathTo("b")).checkpoint()));
        Fixtures.chain(store, 6, null, "other");
        assertTrue(read(SessionReadScope.activePath()).checkpoint().isEmpty(), "a root without slots");
        assertEquals("v1", slot(store.commitRuntimeState(RuntimeCommit.expecting(7).head("a").build()).checkpoint()));
    }

    @Test
    void deepSessionsAreWalkedWithoutRecursion() {
        int depth = 20_000;
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0).append(NewNode.root("n0", NodeKind.USER_INPUT, bytes("0")));
        for (int i = 1; i < depth; i++) {
            b.append(NewNode.child("n" + i, "n" + (i - 1), NodeKind.USER_INPUT, bytes("x")));
        }
        store.commitRuntimeState(b.head("n" + (depth - 1)).build());
        // A slot replaced at the root stales every cached checkpoint of the deep path.
        store.commitRuntimeState(RuntimeCommit.expecting(1).head("n0").checkpoint("s", bytes("root")).build());
        RuntimeCommitResult r = store.commitRuntimeState(RuntimeCommit.expecting(2).head("n" + (depth - 1)).build());
        assertEquals("n0", r.checkpoint().slot("s").orElseThrow().nodeId());
        assertEquals(depth, read(SessionReadScope.activePath()).nodes().size());
        List<SessionNode> tail = read(SessionReadScope.activePathTail(3)).nodes();
        assertEquals(List.of("n19997", "n19998", "n19999"), ids(tail));
    }

    @Test
    void aFailedCommitStoresNoBlob() {
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef ref = b.attach(bytes("orphan"), "text/plain");
        RuntimeCommit bad = b.append(NewNode.child("n", "missing-parent", NodeKind.USER_INPUT, bytes("p"), ref)).build();
        assertThrows(InvalidRequestException.class, () -> store.commitRuntimeState(bad));
        assertTrue(factory.loadBlob(ref.hash()).isEmpty(), "a failed commit left its blob");
        assertEquals(0, read(SessionReadScope.fullGraph()).head().revision());
    }

    @Test
    void aCarriedBlobNothingReferencesIsNotKept() {
        store.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(NewNode.root("n", NodeKind.USER_INPUT, bytes("n"))).head("n")
                .checkpoint("s", bytes("replaced in the builder")).checkpoint("s", bytes("kept")).build());
        assertTrue(store.loadBlob(ContentHash.of(bytes("replaced in the builder"))).isEmpty());
        assertArrayEquals(bytes("kept"), store.loadBlob(ContentHash.of(bytes("kept"))).orElseThrow());
    }

    @Test
    void vacuumFreesIdsAndKeepsTheLedger() {
        store.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(NewNode.root("keep", NodeKind.USER_INPUT, bytes("k")))
                .append(NewNode.root("old", NodeKind.USER_INPUT, bytes("twelve bytes")))
                .head("keep").usage("old", "m", TokenUsage.of(5, 5)).build());
        assertEquals(1, store.tombstoneNodes(List.of("old")));
        assertEquals(1, store.gcUnreachable().nodesDetached());
        RuntimeCommit reuse = RuntimeCommit.expecting(1).append(NewNode.root("old", NodeKind.USER_INPUT, bytes("new"))).build();
        assertThrows(InvalidRequestException.class, () -> store.commitRuntimeState(reuse), "a detached id is still taken");
        assertThrows(InvalidRequestException.class, () -> store.tombstoneNodes(List.of("old")), "detached ids fail");

        assertEquals(1, store.vacuum().nodesRemoved());
        store.commitRuntimeState(reuse);
        PersistedSessionRead r = read(SessionReadScope.fullGraph());
        assertEquals(List.of("keep", "old"), ids(r.nodes()));
        assertArrayEquals(bytes("new"), r.nodes().get(1).payload());
        assertEquals(TokenUsage.of(5, 5), r.usage().total(), "vacuum changed the ledger");
        assertTrue(r.usage().turns().isEmpty(), "the old node's usage entry belongs to the removed node, not the new one");
    }

    @Test
    void turnsOfATailReadAreTheTailsEntriesInCommitOrder() {
        Fixtures.chain(store, 0, null, "a", "b", "c");
        store.commitRuntimeState(RuntimeCommit.expecting(3).usage("c", "m1", TokenUsage.of(1, 0)).build());
        store.commitRuntimeState(RuntimeCommit.expecting(4).usage("b", "m2", TokenUsage.of(2, 0))
                .usage("a", "m1", TokenUsage.of(4, 0)).usage("c", "m2", TokenUsage.of(8, 0)).build());
        PersistedSessionRead tail = read(SessionReadScope.activePathTail(2));
        List<UsageEntry> turns = tail.usage().turns();
        assertEquals(List.of("c", "b", "c"), turns.stream().map(UsageEntry::nodeId).collect(Collectors.toList()));
        assertEquals(List.of(4L, 5L, 5L), turns.stream().map(UsageEntry::revision).collect(Collectors.toList()));
        assertEquals(TokenUsage.of(15, 0), tail.usage().total());
        assertEquals(TokenUsage.of(5, 0), tail.usage().byModel().get("m1"));
    }

    @Test
    void aDeletedSessionsHandleReadsEmptyRefusesWritesAndNeverServesARecreatedSession() {
        Fixtures.chain(store, 0, null, "a");
        RuntimePersistence other = factory.createStore(SessionStoreCreateRequest.of("other"));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef shared = b.attach(bytes("shared"), "text/plain");
        other.commitRuntimeState(b.append(NewNode.root("o", NodeKind.USER_INPUT, bytes("o"), shared)).head("o").build());

        assertTrue(factory.deleteSession("s"));
        assertFalse(factory.deleteSession("s"));
        assertTrue(store.loadSession(SessionReadScope.activePath()).isEmpty());
        assertTrue(store.loadSessionMeta().isEmpty());
        assertTrue(store.loadNode("a").isEmpty());
        assertThrows(SessionNotFoundException.class, () -> store.commitRuntimeState(RuntimeCommit.unconditional().build()));
        assertThrows(SessionNotFoundException.class, () -> store.tombstoneNodes(List.of("a")));
        assertTrue(store.loadBlob(shared.hash()).isEmpty(), "a store hands out only its session's blobs");
        assertArrayEquals(bytes("shared"), factory.loadBlob(shared.hash()).orElseThrow(), "the factory's loadBlob reads any");
        store.gcUnreachable();

        RuntimePersistence again = factory.createStore(SessionStoreCreateRequest.of("s"));
        PersistedSessionRead fresh = again.loadSession(SessionReadScope.fullGraph()).orElseThrow();
        assertEquals(0, fresh.head().revision());
        assertTrue(fresh.nodes().isEmpty());
        assertTrue(store.loadSession(SessionReadScope.fullGraph()).isEmpty(), "the old handle keeps the deleted session");
        assertThrows(SessionNotFoundException.class, () -> store.commitRuntimeState(RuntimeCommit.unconditional().build()));
    }

    @Test
    void replayComesBeforeTheSizeLimitAndTheRevision() {
        RuntimeCommit keyed = RuntimeCommit.expecting(0)
                .append(NewNode.root("n", NodeKind.USER_INPUT, bytes("a payload of 23 bytes!!"))).head("n")
                .idempotencyKey("step-1").build();
        RuntimeCommitResult first = store.commitRuntimeState(keyed);
        Fixtures.chain(store, 1, "n", "m");

        RuntimePersistence tiny = factory.createStore(SessionStoreCreateRequest.of("s")
                .withPolicy(new StorePolicy(4, 4)));
        RuntimeCommitResult again = tiny.commitRuntimeState(keyed);
        assertTrue(again.replayed());
        assertEquals(first.revision(), again.revision());
        assertEquals(first.committedAt(), again.committedAt());
        assertEquals(2, read(SessionReadScope.fullGraph()).head().revision(), "a replay wrote something");

        RuntimeCommit changed = RuntimeCommit.expecting(2)
                .append(NewNode.root("z", NodeKind.USER_INPUT, bytes("other"))).idempotencyKey("step-1").build();
        assertThrows(IdempotencyConflictException.class, () -> tiny.commitRuntimeState(changed));
        InvalidRequestException tooBig = assertThrows(InvalidRequestException.class, () -> tiny.commitRuntimeState(
                RuntimeCommit.expecting(99).append(NewNode.root("big", NodeKind.USER_INPUT, bytes("12345"))).build()));
        assertTrue(tooBig.getMessage().contains("maxPayloadBytes=4"), "size limits come before the revision: "
                + tooBig.getMessage());
    }

    @Test
    void aDamagedBlobIsReportedNotReturned() {
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef ref = b.attach(bytes("precious"), "text/plain");
        store.commitRuntimeState(b.append(NewNode.root("n", NodeKind.USER_INPUT, bytes("n"), ref)).head("n").build());
        assertTrue(MemoryTestAccess.corruptBlob(factory, ref.hash()));
        assertThrows(StoreCorruptedException.class, () -> store.loadBlob(ref.hash()));
        assertFalse(MemoryTestAccess.corruptBlob(factory, ContentHash.of(bytes("never stored"))));
    }

    @Test
    void invalidIdsAreRefusedNotLookedUp() {
        assertThrows(InvalidRequestException.class, () -> store.loadNode("../x"));
        assertThrows(InvalidRequestException.class, () -> store.tombstoneNodes(List.of("a/b")));
        assertThrows(InvalidRequestException.class, () -> factory.openExisting(""));
    }

    @Test
    void tombstonesCascadeThroughBranchesAndRefuseTheActivePath() {
        Fixtures.chain(store, 0, null, "r", "a", "b");
        store.commitRuntimeState(RuntimeCommit.expecting(3)
                .append(NewNode.child("x", "r", NodeKind.USER_INPUT, bytes("x")))
                .append(NewNode.child("y", "x", NodeKind.USER_INPUT, bytes("y")))
                .append(NewNode.child("z", "x", NodeKind.USER_INPUT, bytes("z"))).build());
        InvalidRequestException onPath = assertThrows(InvalidRequestException.class,
                () -> store.tombstoneNodes(List.of("x", "a")));
        assertTrue(onPath.getMessage().contains("'a'"), onPath.getMessage());
        assertEquals(6, read(SessionReadScope.fullGraph()).nodes().size(), "a refused call tombstoned something");

        assertEquals(3, store.tombstoneNodes(List.of("x")));
        assertEquals(0, store.tombstoneNodes(List.of("y", "x")));
        assertEquals(List.of("r", "a", "b"), ids(read(SessionReadScope.fullGraph()).nodes()));
        assertEquals(4, read(SessionReadScope.fullGraph()).head().revision(), "tombstones changed the revision");
    }

    private PersistedSessionRead read(SessionReadScope scope) {
        return store.loadSession(scope).orElseThrow();
    }

    private String slot(Checkpoint checkpoint) {
        return new String(store.loadBlob(checkpoint.slot("tool_state").orElseThrow().blob().hash()).orElseThrow(),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> ids(List<SessionNode> nodes) {
        return nodes.stream().map(SessionNode::nodeId).collect(Collectors.toList());
    }
}
