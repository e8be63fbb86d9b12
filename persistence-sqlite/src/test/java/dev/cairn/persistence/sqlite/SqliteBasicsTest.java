package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider's own checks of the spec's rules, beside the TCK. */
class SqliteBasicsTest {
    private SqliteSessionStoreFactory factory;
    private RuntimePersistence store;

    @BeforeEach
    void open() {
        factory = new SqliteSessionStoreFactory(TestDirs.fresh("basics"));
        store = factory.createStore(SessionStoreCreateRequest.of("s1").withName("first"));
    }

    @AfterEach
    void close() {
        factory.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static NewNode node(String id, String parent) {
        return parent == null ? NewNode.root(id, NodeKind.USER_INPUT, utf8("payload of " + id))
                : NewNode.child(id, parent, NodeKind.ASSISTANT_RESPONSE, utf8("payload of " + id));
    }

    private List<String> ids(SessionReadScope scope) {
        return store.loadSession(scope).orElseThrow().nodes().stream().map(SessionNode::nodeId).toList();
    }

    private RuntimeCommitResult chain(int from, int to) {
        RuntimeCommitResult r = null;
        long rev = store.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().head().revision();
        for (int i = from; i <= to; i++) {
            r = store.commitRuntimeState(RuntimeCommit.expecting(rev).append(node("n" + i, i == 1 ? null : "n" + (i - 1)))
                    .head("n" + i).build());
            rev = r.revision();
        }
        return r;
    }

    @Test
    void commitsAndReadsThePath() {
        PersistedSessionRead empty = store.loadSession(SessionReadScope.activePath()).orElseThrow();
        assertEquals(0, empty.head().revision());
        assertTrue(empty.head().nodeId().isEmpty());
        RuntimeCommitResult r = chain(1, 5);
        assertEquals(5, r.revision());
        assertEquals(Optional.of("n5"), r.head());
        assertEquals(List.of("n1", "n2", "n3", "n4", "n5"), ids(SessionReadScope.activePath()));
        assertEquals(List.of("n4", "n5"), ids(SessionReadScope.activePathTail(2)));
        assertEquals(List.of("n1", "n2", "n3"), ids(SessionReadScope.activePathTo("n3")));
        SessionNode n3 = store.loadNode("n3").orElseThrow();
        assertArrayEquals(utf8("payload of n3"), n3.payload());
        assertEquals(Optional.of("n2"), n3.parentNodeId());
        assertEquals(3, n3.seq());
        assertEquals(r.committedAt(), store.loadNode("n5").orElseThrow().createdAt());
        assertEquals("first", store.loadSessionMeta().orElseThrow().name());
    }

    @Test
    void compareAndSetRefusesAStaleRevision() {
        chain(1, 2);
        RevisionConflictException e = assertThrows(RevisionConflictException.class,
                () -> store.commitRuntimeState(RuntimeCommit.expecting(1).append(node("x", "n2")).build()));
        assertEquals(1, e.expected());
        assertEquals(2, e.actual());
        assertTrue(store.loadNode("x").isEmpty());
        RuntimeCommitResult r = store.commitRuntimeState(RuntimeCommit.unconditional().build());
        assertEquals(3, r.revision());
        assertEquals(Optional.of("n2"), r.head());
    }

    @Test
    void graphRulesAreCheckedAndNothingIsWritten() {
        chain(1, 2);
        assertThrows(InvalidRequestException.class,
                () -> store.commitRuntimeState(RuntimeCommit.expecting(2).append(node("n1", "n2")).build()));
        assertThrows(InvalidRequestException.class,
                () -> store.commitRuntimeState(RuntimeCommit.expecting(2).append(node("a", "nope")).build()));
        assertThrows(InvalidRequestException.class,
                () -> store.commitRuntimeState(RuntimeCommit.expecting(2).append(node("a", "b")).append(node("b", "n2")).build()));
        assertThrows(InvalidRequestException.class,
                () -> store.commitRuntimeState(RuntimeCommit.expecting(2).append(node("a", "n2")).head("zzz").build()));
        assertThrows(InvalidRequestException.class,
                () -> store.commitRuntimeState(RuntimeCommit.expecting(2).append(node("a", "n2"))
                        .usage("zzz", "m", TokenUsage.of(1, 1)).build()));
        BlobRef missing = BlobRef.of(utf8("never stored"), "text/plain");
        assertThrows(InvalidRequestException.class, () -> store.commitRuntimeState(RuntimeCommit.expecting(2)
                .append(NewNode.child("a", "n2", NodeKind.TOOL_RESULT, utf8("x"), missing)).build()));
        assertTrue(store.loadNode("a").isEmpty());
        assertEquals(2, store.loadSession(SessionReadScope.activePath()).orElseThrow().head().revision());
        RuntimePersistence fresh = factory.createStore(SessionStoreCreateRequest.of("s2"));
        assertThrows(InvalidRequestException.class,
                () -> fresh.commitRuntimeState(RuntimeCommit.expecting(0).checkpoint("tool_state", utf8("x")).build()));
    }

    @Test
    void idempotentCommitsReplay() {
        chain(1, 1);
        RuntimeCommit c = RuntimeCommit.expecting(1).append(node("n2", "n1")).head("n2")
                .checkpoint("tool_state", utf8("state")).usage("n2", "m", TokenUsage.of(10, 2)).idempotencyKey("k1").build();
        RuntimeCommitResult first = store.commitRuntimeState(c);
        assertFalse(first.replayed());
        chain(3, 3);
        RuntimeCommitResult again = store.commitRuntimeState(
                RuntimeCommit.expecting(7).append(node("n2", "n1")).head("n2").checkpoint("tool_state", utf8("state"))
                        .usage("n2", "m", TokenUsage.of(10, 2)).idempotencyKey("k1").build());
        assertTrue(again.replayed());
        assertEquals(first.revision(), again.revision());
        assertEquals(first.checkpoint(), again.checkpoint());
        assertEquals(first.committedAt(), again.committedAt());
        assertThrows(IdempotencyConflictException.class, () -> store.commitRuntimeState(
                RuntimeCommit.expecting(3).append(node("other", "n1")).idempotencyKey("k1").build()));
        assertEquals(TokenUsage.of(10, 2), store.loadSession(SessionReadScope.activePath()).orElseThrow().usage().total());
    }

    @Test
    void sizeLimitsComeBeforeTheRevision() {
        RuntimePersistence small = factory.createStore(SessionStoreCreateRequest.of("s1").withPolicy(new StorePolicy(4, 4)));
        assertThrows(InvalidRequestException.class,
                () -> small.commitRuntimeState(RuntimeCommit.expecting(99).append(node("big", null)).build()));
        factory.deleteSession("s1");
        assertThrows(SessionNotFoundException.class,
                () -> small.commitRuntimeState(RuntimeCommit.expecting(99).append(node("big", null)).build()));
    }

    @Test
    void checkpointsResolvePerSlotAlongThePath() {
        chain(1, 1);
        store.commitRuntimeState(RuntimeCommit.expecting(1).checkpoint("a", utf8("a1")).checkpoint("b", utf8("b1")).build());
        chain(2, 3);
        RuntimeCommitResult r = store.commitRuntimeState(RuntimeCommit.expecting(4).checkpoint("a", utf8("a3")).build());
        assertEquals("n3", r.checkpoint().slot("a").orElseThrow().nodeId());
        assertEquals("n1", r.checkpoint().slot("b").orElseThrow().nodeId());
        chain(4, 5);
        Checkpoint at5 = store.loadSession(SessionReadScope.activePath()).orElseThrow().checkpoint();
        assertEquals("n3", at5.slot("a").orElseThrow().nodeId());
        Checkpoint at2 = store.loadSession(SessionReadScope.activePathTo("n2")).orElseThrow().checkpoint();
        assertEquals("n1", at2.slot("a").orElseThrow().nodeId());
        // Rewind to n2 and checkpoint there: the descendants n3..n5 now see n2's slot where they had none of their own.
        store.commitRuntimeState(RuntimeCommit.expecting(7).head("n2").checkpoint("b", utf8("b2"))
                .checkpoint("c", utf8("c2")).build());
        Checkpoint again5 = store.loadSession(SessionReadScope.activePathTo("n5")).orElseThrow().checkpoint();
        assertEquals("n3", again5.slot("a").orElseThrow().nodeId());
        assertEquals("n2", again5.slot("b").orElseThrow().nodeId());
        assertEquals("n2", again5.slot("c").orElseThrow().nodeId());
        assertArrayEquals(utf8("c2"), store.loadBlob(again5.slot("c").orElseThrow().blob().hash()).orElseThrow());
        // Replacing a slot at the same node replaces it.
        store.commitRuntimeState(RuntimeCommit.expecting(8).checkpoint("c", utf8("c2b")).build());
        Checkpoint replaced = store.loadSession(SessionReadScope.activePathTo("n4")).orElseThrow().checkpoint();
        assertArrayEquals(utf8("c2b"), store.loadBlob(replaced.slot("c").orElseThrow().blob().hash()).orElseThrow());
    }

    @Test
    void usageLedgerCountsEverything() {
        chain(1, 2);
        store.commitRuntimeState(RuntimeCommit.expecting(2).append(node("b", "n1")).usage("b", "m1", TokenUsage.of(5, 1))
                .usage("n2", "m2", new TokenUsage(7, 3, 2, 1)).build());
        PersistedSessionRead r = store.loadSession(SessionReadScope.activePath()).orElseThrow();
        assertEquals(new TokenUsage(12, 4, 2, 1), r.usage().total());
        assertEquals(Map.of("m1", TokenUsage.of(5, 1), "m2", new TokenUsage(7, 3, 2, 1)), r.usage().byModel());
        assertEquals(1, r.usage().turns().size());
        assertEquals("n2", r.usage().turns().get(0).nodeId());
        assertEquals(2, store.loadSession(SessionReadScope.fullGraph()).orElseThrow().usage().turns().size());
        store.tombstoneNodes(List.of("b"));
        store.gcUnreachable();
        store.vacuum();
        assertEquals(new TokenUsage(12, 4, 2, 1),
                store.loadSession(SessionReadScope.activePath()).orElseThrow().usage().total());
        assertThrows(InvalidRequestException.class, () -> store.commitRuntimeState(RuntimeCommit.expecting(3)
                .usage("n2", "m1", TokenUsage.of(Long.MAX_VALUE, 0)).build()));
    }

    @Test
    void aNodeThatReusesAVacuumedRowidInheritsNoUsage() {
        chain(1, 1);
        store.commitRuntimeState(RuntimeCommit.expecting(1).append(node("gone", "n1")).usage("gone", "m", TokenUsage.of(5, 5))
                .build());
        store.tombstoneNodes(List.of("gone"));
        store.gcUnreachable();
        store.vacuum();
        RuntimePersistence other = factory.createStore(SessionStoreCreateRequest.of("other"));
        other.commitRuntimeState(RuntimeCommit.expecting(0).append(node("fresh", null)).head("fresh").build());
        PersistedSessionRead r = other.loadSession(SessionReadScope.activePath()).orElseThrow();
        assertEquals(List.of(), r.usage().turns());
        assertEquals(List.of(), other.loadSession(SessionReadScope.fullGraph()).orElseThrow().usage().turns());
        assertEquals(TokenUsage.of(5, 5), store.loadSession(SessionReadScope.activePath()).orElseThrow().usage().total());
    }

    @Test
    void tombstonesGcAndVacuum() {
        chain(1, 3);
        RuntimeCommit.Builder b = RuntimeCommit.expecting(3);
        BlobRef img = b.attach(utf8("image bytes"), "image/png");
        store.commitRuntimeState(b.append(NewNode.child("x1", "n1", NodeKind.TOOL_RESULT, utf8("x1"), img))
                .append(node("x2", "x1")).build());
        assertThrows(InvalidRequestException.class, () -> store.tombstoneNodes(List.of("n2")));
        assertThrows(InvalidRequestException.class, () -> store.tombstoneNodes(List.of("x1", "nope")));
        assertEquals(2, store.tombstoneNodes(List.of("x1")));
        assertEquals(0, store.tombstoneNodes(List.of("x2")));
        assertTrue(store.loadNode("x2").isEmpty());
        assertEquals(List.of("n1", "n2", "n3"), ids(SessionReadScope.fullGraph()));
        assertEquals(5, ids(SessionReadScope.fullGraphWithTombstones()).size());
        assertTrue(store.loadBlob(img.hash()).isPresent());
        GcReport gc = store.gcUnreachable();
        assertEquals(2, gc.nodesDetached());
        assertEquals(1, gc.blobsDeleted());
        assertEquals(11, gc.bytesFreed());
        assertTrue(store.loadBlob(img.hash()).isEmpty());
        assertThrows(InvalidRequestException.class, () -> store.tombstoneNodes(List.of("x1")));
        assertThrows(InvalidRequestException.class,
                () -> store.commitRuntimeState(RuntimeCommit.expecting(4).append(node("x1", "n1")).build()));
        assertEquals(2, store.vacuum().nodesRemoved());
        store.commitRuntimeState(RuntimeCommit.expecting(4).append(node("x1", "n1")).build());
        assertEquals(5, store.loadNode("x1").orElseThrow().seq() - 1);
    }

    @Test
    void forkCopiesThePathAndSharesBlobs() {
        chain(1, 2);
        store.commitRuntimeState(RuntimeCommit.expecting(2).checkpoint("tool_state", utf8("ts")).build());
        chain(3, 4);
        RuntimePersistence fork = factory.forkSession(ForkRequest.of("s1", "n3", "f1"));
        PersistedSessionRead r = fork.loadSession(SessionReadScope.activePath()).orElseThrow();
        assertEquals(0, r.head().revision());
        assertEquals(Optional.of("n3"), r.head().nodeId());
        assertEquals(List.of("n1", "n2", "n3"), r.nodes().stream().map(SessionNode::nodeId).toList());
        assertEquals(List.of(1L, 2L, 3L), r.nodes().stream().map(SessionNode::seq).toList());
        assertEquals(store.loadNode("n2").orElseThrow().createdAt(), r.nodes().get(1).createdAt());
        assertEquals("n2", r.checkpoint().slot("tool_state").orElseThrow().nodeId());
        assertEquals(Optional.of("s1"), r.meta().parentSessionId());
        fork.commitRuntimeState(RuntimeCommit.expecting(0).append(node("f4", "n3")).head("f4").build());
        assertTrue(store.loadNode("f4").isEmpty());
        assertThrows(InvalidRequestException.class, () -> factory.forkSession(ForkRequest.of("s1", "nope", "f2")));
        assertThrows(InvalidRequestException.class, () -> factory.forkSession(ForkRequest.of("s1", "n1", "f1")));
        assertThrows(SessionNotFoundException.class, () -> factory.forkSession(ForkRequest.of("zz", "n1", "f3")));
        // Blobs are shared: deleting the source keeps the checkpoint the fork still uses.
        assertTrue(factory.deleteSession("s1"));
        assertTrue(fork.loadBlob(r.checkpoint().slot("tool_state").orElseThrow().blob().hash()).isPresent());
        assertTrue(store.loadSession(SessionReadScope.activePath()).isEmpty());
        assertThrows(SessionNotFoundException.class, () -> store.commitRuntimeState(RuntimeCommit.unconditional().build()));
        assertTrue(factory.openExisting("s1").isEmpty());
        assertFalse(factory.deleteSession("s1"));
    }

    @Test
    void listsNewestFirstWithACursorAndFilters() {
        for (int i = 0; i < 7; i++) {
            factory.createStore(SessionStoreCreateRequest.of("c" + i).withParent("p")
                    .withAttributes(Map.of("team", i % 2 == 0 ? "even" : "odd")));
        }
        SessionPage first = factory.listSessions(SessionQuery.all().withParent("p").withLimit(3));
        assertEquals(List.of("c6", "c5", "c4"), first.sessions().stream().map(SessionMeta::sessionId).toList());
        SessionPage second = factory.listSessions(SessionQuery.all().withParent("p").withLimit(3).after(first.nextCursor().orElseThrow()));
        assertEquals(List.of("c3", "c2", "c1"), second.sessions().stream().map(SessionMeta::sessionId).toList());
        SessionPage third = factory.listSessions(SessionQuery.all().withParent("p").withLimit(3).after(second.nextCursor().orElseThrow()));
        assertEquals(List.of("c0"), third.sessions().stream().map(SessionMeta::sessionId).toList());
        assertTrue(third.nextCursor().isEmpty());
        SessionPage odd = factory.listSessions(SessionQuery.all().withAttribute("team", "odd"));
        assertEquals(List.of("c5", "c3", "c1"), odd.sessions().stream().map(SessionMeta::sessionId).toList());
        assertEquals(8, factory.listSessions(SessionQuery.all()).sessions().size());
    }

    @Test
    void metadataIsSeededOnceAndSaved() {
        factory.createStore(SessionStoreCreateRequest.of("s1").withName("other"));
        SessionMeta meta = store.loadSessionMeta().orElseThrow();
        assertEquals("first", meta.name());
        store.saveSessionMeta(meta.withName("renamed").withAttribute("k", "v"));
        assertEquals("renamed", store.loadSessionMeta().orElseThrow().name());
        assertEquals(Map.of("k", "v"), store.loadSessionMeta().orElseThrow().attributes());
        assertThrows(InvalidRequestException.class, () -> store.saveSessionMeta(new SessionMeta("s1", "", "", "",
                Optional.of("p"), meta.createdAt(), Map.of())));
    }

    @Test
    void closeClosesEverything() {
        RuntimePersistence other = factory.createStore(SessionStoreCreateRequest.of("s2"));
        store.close();
        store.close();
        assertThrows(StoreClosedException.class, () -> store.loadSession(SessionReadScope.activePath()));
        other.loadSession(SessionReadScope.activePath()).orElseThrow();
        factory.close();
        factory.close();
        assertThrows(StoreClosedException.class, () -> other.loadSession(SessionReadScope.activePath()));
        assertThrows(StoreClosedException.class, () -> factory.listSessions(SessionQuery.all()));
    }
}
