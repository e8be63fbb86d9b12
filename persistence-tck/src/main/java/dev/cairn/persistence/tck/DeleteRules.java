package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rule 21: deleting sessions. */
abstract class DeleteRules extends KitRules {
    private static final byte[] OWN = Fx.utf8("only session d references this attachment");
    private static final byte[] OWN_SLOT = Fx.utf8("only session d references this slot");
    private static final byte[] SHARED = Fx.utf8("session d and session k both attach this");
    private static final byte[] TOMB_SHARED = Fx.utf8("session d and a tombstoned node of session k attach this");

    DeleteRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /** Session d with its own blobs and blobs shared with session k (once by a live, once by a tombstoned node). */
    private RuntimePersistence doomed() {
        RuntimePersistence d = factory().createStore(SessionStoreCreateRequest.of("d").withName("doomed"));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef own = b.attach(OWN, "text/plain");
        BlobRef shared = b.attach(SHARED, "text/plain");
        BlobRef tomb = b.attach(TOMB_SHARED, "text/plain");
        commit(d, b.append(Fx.root("r", own, shared, tomb)).head("r").checkpoint("tool_state", OWN_SLOT)
                .usage("r", "m", TokenUsage.of(5, 5)).idempotencyKey("turn-1"));
        RuntimePersistence k = open("k");
        RuntimeCommit.Builder kb = RuntimeCommit.expecting(0); // the same bytes: stored once, carried by each session
        commit(k, kb.append(Fx.root("k1", kb.attach(SHARED, "text/plain"))).append(Fx.root("k2",
                kb.attach(TOMB_SHARED, "text/plain"))).head("k1"));
        checkEquals(1, k.tombstoneNodes(List.of("k2")), "tombstoneNodes([k2]) in session k");
        return d;
    }

    @Test
    void rule21_deleteErasesTheSessionAtOnce() {
        RuntimePersistence d = doomed();
        check(must("deleteSession(d)", () -> factory().deleteSession("d")), "deleteSession of an existing session"
                + " returned false");
        check(factory().openExisting("d").isEmpty(), "openExisting of a deleted session returned a store");
        check(Snapshot.catalogue(factory()).stream().noneMatch(m -> m.contains("sessionId=d,")),
                "listSessions still lists the deleted session: " + Snapshot.catalogue(factory()));
        check(!factory().deleteSession("d"), "deleting a deleted session again returned true");
        RuntimePersistence again = factory().createStore(SessionStoreCreateRequest.of("d").withName("reborn"));
        PersistedSessionRead r = read(again, SessionReadScope.fullGraphWithTombstones());
        checkEquals(0L, r.head().revision(), "revision of a session created again after delete");
        check(r.nodes().isEmpty(), "a session created again after delete has the old nodes: " + Fx.ids(r.nodes()));
        checkEquals(TokenUsage.ZERO, r.usage().total(), "usage of a session created again after delete");
        checkEquals("reborn", r.meta().name(), "name of a session created again after delete (new seed metadata)");
        check(d.sessionId().equals("d"), "sessionId() of the store of the deleted session");
    }

    @Test
    void rule21_deleteErasesTheBlobsNoOtherSessionReferences() {
        RuntimePersistence d = doomed();
        RuntimePersistence k = factory().openExisting("k").orElseThrow();
        factory().deleteSession("d");
        check(factory().loadBlob(ContentHash.of(OWN)).isEmpty(), "an attachment only the deleted session referenced is"
                + " still loadable (SessionStoreFactory.loadBlob)");
        check(factory().loadBlob(ContentHash.of(OWN_SLOT)).isEmpty(), "a checkpoint slot only the deleted session"
                + " referenced is still loadable (SessionStoreFactory.loadBlob)");
        check(d.loadBlob(ContentHash.of(SHARED)).isEmpty(), "the deleted session's store still hands out a blob (that"
                + " session k keeps stored)", "that a store of a deleted session hands out nothing");
        checkBytes(SHARED, k.loadBlob(ContentHash.of(SHARED)), "a blob that a live node of session k references",
                "that deleteSession keeps blobs another session references");
        checkBytes(TOMB_SHARED, k.loadBlob(ContentHash.of(TOMB_SHARED)), "a blob that a tombstoned (not detached) node"
                + " of session k references", "that deleteSession counts references of every node that is not detached");
        check(d.sessionId().equals("d"), "sessionId() of the store of the deleted session");
    }

    @Test
    void rule21_deleteKeepsBlobsAForkReferences() {
        RuntimePersistence d = doomed();
        RuntimePersistence f = must("forkSession", () -> factory().forkSession(ForkRequest.of("d", "r", "f")));
        factory().deleteSession("d");
        checkBytes(OWN, f.loadBlob(ContentHash.of(OWN)), "the fork's attachment after the source was deleted", null);
        checkBytes(OWN_SLOT, f.loadBlob(ContentHash.of(OWN_SLOT)), "the fork's slot after the source was deleted", null);
        checkEquals(List.of("r"), ids(f, SessionReadScope.activePath()), "the fork's path after its source was deleted");
        check(d.sessionId().equals("d"), "sessionId() of the store of the deleted session");
    }

    @Test
    void rule21_storesOfADeletedSessionThrowSessionNotFound() {
        RuntimePersistence d = doomed();
        SessionMeta meta = d.loadSessionMeta().orElseThrow();
        factory().deleteSession("d");
        checkThrows(SessionNotFoundException.class, () -> d.commitRuntimeState(RuntimeCommit.unconditional()
                .append(Fx.root("x")).build()), "commitRuntimeState through a store of the deleted session");
        checkThrows(SessionNotFoundException.class, () -> d.tombstoneNodes(List.of("r")),
                "tombstoneNodes through a store of the deleted session");
        checkThrows(SessionNotFoundException.class, () -> {
            d.saveSessionMeta(meta.withName("x"));
            return null;
        }, "saveSessionMeta through a store of the deleted session");
        // reads: the spec allows "empty" (loadSession: empty when the session does not exist) or the exception
        for (SessionReadScope scope : List.of(SessionReadScope.activePath(), SessionReadScope.fullGraph())) {
            try {
                Optional<PersistedSessionRead> r = d.loadSession(scope);
                check(r.isEmpty(), "loadSession(" + scope + ") of a deleted session returned " + r);
            } catch (SessionNotFoundException expected) {
                // also allowed
            }
        }
        try {
            check(d.loadSessionMeta().isEmpty(), "loadSessionMeta of a deleted session returned metadata");
            check(d.loadNode("r").isEmpty(), "loadNode of a node of a deleted session returned it");
        } catch (SessionNotFoundException expected) {
            // also allowed
        }
        check(factory().openExisting("d").isEmpty(), "openExisting of a deleted session returned a store");
    }

    @Test
    void rule21_aStoreOpenedBeforeDeleteNeverServesALaterSessionOfTheSameId() {
        doomed();
        List<RuntimePersistence> stale = new ArrayList<>(List.of(open("d"), factory().openExisting("d").orElseThrow(),
                open("d", new StorePolicy(8, 8))));
        if (kit.capabilities().sharedLocation() && kit.location().isPresent()) {
            stale.add(kit.openOnLocation().openExisting("d").orElseThrow());
        }
        factory().deleteSession("d");
        RuntimePersistence again = factory().createStore(SessionStoreCreateRequest.of("d").withName("reborn"));
        RuntimeCommit first = RuntimeCommit.expecting(0).append(Fx.root("n1")).head("n1").idempotencyKey("turn-2")
                .build();
        commit(again, first);
        SessionMeta meta = again.loadSessionMeta().orElseThrow();
        Snapshot before = snapshot(again);
        String hint = "that a store handle keeps the session it was opened on (an internal key, not the id): after"
                + " deleteSession a new session of the same id is another session";
        for (int i = 0; i < stale.size(); i++) {
            RuntimePersistence h = stale.get(i);
            String which = "store " + (i + 1) + " of " + stale.size() + " opened on session d before it was deleted";
            emptyOrNotFound(() -> h.loadSession(SessionReadScope.fullGraph()), "loadSession through " + which, hint);
            emptyOrNotFound(() -> h.loadNode("n1"), "loadNode(n1) of the new session through " + which, hint);
            emptyOrNotFound(h::loadSessionMeta, "loadSessionMeta through " + which, hint);
            checkThrows(SessionNotFoundException.class, () -> h.commitRuntimeState(RuntimeCommit.expecting(1)
                    .append(Fx.child("n2", "n1")).build()), "a commit at the new session's revision through " + which,
                    hint);
            checkThrows(SessionNotFoundException.class, () -> h.commitRuntimeState(first),
                    "a retry of the new session's keyed commit through " + which, hint);
            checkThrows(SessionNotFoundException.class, () -> h.commitRuntimeState(RuntimeCommit.unconditional()
                    .append(NewNode.root("big", NodeKind.USER_INPUT, new byte[64])).build()),
                    "an unconditional commit (payload of 64 bytes) through " + which, hint);
            checkThrows(SessionNotFoundException.class, () -> {
                h.saveSessionMeta(meta.withName("hijacked"));
                return null;
            }, "saveSessionMeta of the new session's metadata through " + which, hint);
            checkThrows(SessionNotFoundException.class, () -> h.tombstoneNodes(List.of("n1")),
                    "tombstoneNodes([n1]) through " + which, hint);
        }
        checkUnchanged(before, snapshot(again), "calls through stores of the deleted session");
        check(open("d").loadNode("n1").isPresent(), "a store opened after the new session was created does not"
                + " see its node n1", hint);
    }

    private void emptyOrNotFound(Call call, String what, String hint) {
        Object r;
        try {
            r = call.run();
        } catch (SessionNotFoundException expected) {
            return;
        } catch (Exception e) {
            throw failure(what + " threw " + e, hint, e);
        }
        check(r instanceof Optional<?> o && o.isEmpty(), what + " returned " + r + " instead of empty", hint);
    }

    @Test
    void rule21_childSessionsKeepTheirParentSessionId() {
        doomed();
        factory().createStore(SessionStoreCreateRequest.of("child").withParent("d"));
        must("forkSession", () -> factory().forkSession(ForkRequest.of("d", "r", "fork")));
        factory().deleteSession("d");
        checkEquals(Optional.of("d"), factory().openExisting("child").orElseThrow().loadSessionMeta().orElseThrow()
                .parentSessionId(), "parentSessionId of a child after its parent was deleted");
        checkEquals(Optional.of("d"), factory().openExisting("fork").orElseThrow().loadSessionMeta().orElseThrow()
                .parentSessionId(), "parentSessionId of a fork after its source was deleted");
        checkEquals(2, factory().listSessions(SessionQuery.all().withParent("d")).sessions().size(),
                "sessions listed with parent d after d was deleted");
    }

    @Test
    void rule21_deleteErasesIdempotencyKeysAndTheLedger() {
        doomed();
        factory().deleteSession("d");
        RuntimePersistence again = open("d");
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef own = b.attach(OWN, "text/plain");
        BlobRef shared = b.attach(SHARED, "text/plain");
        BlobRef tomb = b.attach(TOMB_SHARED, "text/plain");
        RuntimeCommitResult r = commit(again, b.append(Fx.root("r", own, shared, tomb)).head("r")
                .checkpoint("tool_state", OWN_SLOT).usage("r", "m", TokenUsage.of(5, 5)).idempotencyKey("turn-1"));
        check(!r.replayed(), "the deleted session's idempotency key replayed a commit of the new session of that id");
        checkEquals(TokenUsage.of(5, 5), read(again).usage().total(), "usage of the new session of that id");
    }

    @Test
    void rule21_aCommitRacingADeleteLeavesNothingBehind() throws Exception {
        for (int round = 0; round < 30; round++) {
            String id = "victim" + round;
            RuntimePersistence s = open(id);
            chain(s, "n", 1);
            byte[] bytes = Fx.random(2100 + round, 200);
            RuntimeCommit.Builder b = RuntimeCommit.expecting(1);
            BlobRef ref = b.attach(bytes, "application/octet-stream");
            RuntimeCommit c = b.append(Fx.child("x", "n1", ref)).head("x").build();
            java.util.List<Race.Outcome<Object>> out = Race.run(java.util.List.of(() -> s.commitRuntimeState(c),
                    () -> factory().deleteSession(id)), 60);
            check(Boolean.TRUE.equals(out.get(1).value()), "deleteSession racing a commit returned "
                    + (out.get(1).ok() ? out.get(1).value() : out.get(1).error()));
            check(out.get(0).ok() || out.get(0).error() instanceof SessionNotFoundException,
                    "a commit racing deleteSession failed with " + out.get(0).error() + " instead of succeeding first or"
                            + " failing with SessionNotFoundException");
            check(factory().openExisting(id).isEmpty(), "session " + id + " exists after deleteSession returned true"
                    + " (a racing commit brought it back)", "that deleteSession and commits are serialized");
            check(factory().loadBlob(ref.hash()).isEmpty(), "the blob of a commit that raced deleteSession of " + id
                    + " survived the delete", "that a commit's blobs are written in the same transaction as its nodes,"
                    + " and deleteSession erases them");
        }
    }

    @Test
    void rule21_deletingAnUnknownSessionReturnsFalse() {
        open("s");
        check(!factory().deleteSession("nobody"), "deleteSession of an unknown session returned true");
        check(factory().openExisting("s").isPresent(), "deleting an unknown session removed another one");
    }
}
