package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.VacuumReport;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Rules 16 (garbage collection) and 17 (vacuum). */
abstract class GcVacuumRules extends KitRules {
    private static final int RACE_ROUNDS = 40;

    GcVacuumRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    private static final byte[] LIVE = Fx.utf8("blob A: a live attachment");
    private static final byte[] ONLY_DEAD = Fx.utf8("blob B: only a tombstoned node references it");
    private static final byte[] DEAD_SLOT = Fx.utf8("blob C: a slot committed at a tombstoned node");
    private static final byte[] SHARED = Fx.utf8("blob D: a tombstoned node here, a live node in session t");
    private static final byte[] LIVE_SLOT = Fx.utf8("blob E: a slot at a live node, nothing else");
    private static final byte[] TWICE = Fx.utf8("blob F: one slot value committed at two nodes that gc detaches");

    /**
     * Session s: r [slot E] - a [attach A] (head); x [attach A, B], y [slot C], z [attach D] under r;
     * session t: a live node with D. Then x, y and z are tombstoned.
     */
    private RuntimePersistence garbage() {
        RuntimePersistence s = open("s");
        RuntimeCommit.Builder b0 = RuntimeCommit.expecting(0);
        BlobRef a = b0.attach(LIVE, "text/plain");
        commit(s, b0.append(Fx.root("r")).append(Fx.child("a", "r", a)).head("r").checkpoint("tool_state", LIVE_SLOT));
        RuntimeCommit.Builder b1 = RuntimeCommit.expecting(1);
        BlobRef b = b1.attach(ONLY_DEAD, "text/plain");
        BlobRef d = b1.attach(SHARED, "text/plain");
        commit(s, b1.append(Fx.child("x", "r", a, b)).append(Fx.child("y", "r")).append(Fx.child("z", "r", d)).head("y")
                .checkpoint("plugin_state", DEAD_SLOT));
        commit(s, RuntimeCommit.expecting(2).head("a"));
        RuntimePersistence t = open("t");
        RuntimeCommit.Builder tb = RuntimeCommit.expecting(0); // the same bytes, carried again: stored once
        commit(t, tb.append(Fx.root("t1", tb.attach(SHARED, "text/plain"))).head("t1"));
        checkEquals(3, s.tombstoneNodes(List.of("x", "y", "z")), "tombstoneNodes([x, y, z])");
        return s;
    }

    private static ContentHash h(byte[] b) {
        return ContentHash.of(b);
    }

    @Test
    void rule16_gcDeletesExactlyTheBlobsNoLiveNodeReferences() {
        RuntimePersistence s = garbage();
        GcReport report = must("gcUnreachable", s::gcUnreachable);
        check(factory().loadBlob(h(ONLY_DEAD)).isEmpty(), "blob B, referenced only by tombstoned x, survived gc");
        check(factory().loadBlob(h(DEAD_SLOT)).isEmpty(), "blob C, a slot committed at tombstoned y, survived gc");
        checkBytes(LIVE, s.loadBlob(h(LIVE)), "blob A, attached to live a (and to tombstoned x), after gc",
                "that gc counts attachments of live nodes as references");
        checkBytes(SHARED, factory().loadBlob(h(SHARED)), "blob D, referenced by a live node of session t, after gc",
                "that gc looks at the references of every session of the factory");
        checkBytes(SHARED, factory().openExisting("t").orElseThrow().loadBlob(h(SHARED)), "blob D through session t",
                null);
        check(s.loadBlob(h(SHARED)).isEmpty(), "session s hands out blob D, which only its detached node z"
                + " referenced (session t's node keeps it stored)", "that a session's store hands out only blobs that"
                + " nodes of the session that are not detached reference (rule 13)");
        checkBytes(LIVE_SLOT, s.loadBlob(h(LIVE_SLOT)), "blob E, a checkpoint slot at live node r, after gc",
                "that gc counts checkpoint slots at live nodes as references");
        checkEquals(new GcReport(3, 2, ONLY_DEAD.length + DEAD_SLOT.length), report,
                "GcReport (nodes detached, blobs deleted, bytes freed)");
        checkEquals(new GcReport(0, 0, 0), must("gcUnreachable", s::gcUnreachable), "GcReport of a second gc");
    }

    @Test
    void rule16_gcCountsAValueThatTwoDetachedNodesCarriedOnce() {
        RuntimePersistence s = open("s");
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).head("r"));
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("a", "r")).head("a").checkpoint("state", TWICE));
        commit(s, RuntimeCommit.expecting(2).append(Fx.child("b", "a")).head("b").checkpoint("state", TWICE));
        commit(s, RuntimeCommit.expecting(3).head("r"));
        checkEquals(2, s.tombstoneNodes(List.of("a")), "tombstoneNodes([a]) (a and its child b)");
        checkEquals(new GcReport(2, 1, TWICE.length), must("gcUnreachable", s::gcUnreachable),
                "GcReport after gc detached two nodes whose slots held one value (blobs deleted counts distinct"
                        + " values, as for attachments)");
        check(factory().loadBlob(h(TWICE)).isEmpty(), "blob F, a slot value only detached nodes held, survived gc");
    }

    @Test
    void rule16_factoryGcAndVacuumWorkWithNoStoreOpen() {
        RuntimePersistence s = garbage();
        s.close();
        GcReport report = must("SessionStoreFactory.gcUnreachable", factory()::gcUnreachable);
        checkEquals(new GcReport(3, 2, ONLY_DEAD.length + DEAD_SLOT.length), report,
                "GcReport of SessionStoreFactory.gcUnreachable (the same work as RuntimePersistence.gcUnreachable)");
        checkEquals(3L, must("SessionStoreFactory.vacuum", factory()::vacuum).nodesRemoved(),
                "VacuumReport.nodesRemoved of SessionStoreFactory.vacuum after gc detached x, y and z");
        RuntimePersistence again = factory().openExisting("s").orElseThrow(() -> failure("session s is gone", null));
        check(factory().loadBlob(h(ONLY_DEAD)).isEmpty(), "blob B survived SessionStoreFactory.gcUnreachable");
        checkBytes(LIVE, again.loadBlob(h(LIVE)), "blob A after SessionStoreFactory.gcUnreachable",
                "that the factory's gc is the same as a store's");
        checkEquals(List.of("r", "a"), ids(again, SessionReadScope.fullGraphWithTombstones()),
                "fullGraphWithTombstones after the factory's gc and vacuum");
    }

    @Test
    void rule16_gcKeepsEveryReferencedBlob() {
        RuntimePersistence s = open("s");
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef a = b.attach(LIVE, "text/plain");
        commit(s, b.append(Fx.root("r", a)).head("r").checkpoint("tool_state", LIVE_SLOT));
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("c", "r")).head("c").checkpoint("prompt", DEAD_SLOT));
        commit(s, RuntimeCommit.expecting(2).head("r"));
        checkEquals(new GcReport(0, 0, 0), must("gcUnreachable", s::gcUnreachable),
                "GcReport with nothing tombstoned (c's slot is off the active path, but c is live)");
        for (byte[] blob : List.of(LIVE, LIVE_SLOT, DEAD_SLOT)) {
            checkBytes(blob, s.loadBlob(h(blob)), "a referenced blob after gc", null);
        }
    }

    @Test
    void rule16_gcDetachesTombstonedNodesOfEverySession() {
        RuntimePersistence s = garbage();
        RuntimePersistence other = open("other");
        chain(other, "o", 1);
        must("gcUnreachable from another session's store", other::gcUnreachable);
        checkEquals(List.of("r", "a"), ids(s, SessionReadScope.fullGraphWithTombstones()),
                "fullGraphWithTombstones of s after gc ran through the store of another session");
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(3)
                .append(Fx.root("x")).build()), "appending the detached id x again (its id stays taken)");
        check(factory().loadBlob(h(ONLY_DEAD)).isEmpty(), "blob B survived a gc run through another session's store");
    }

    @Test
    void rule16_forksShareBlobsWhileEitherSideTombstonesGcsAndVacuums() {
        RuntimePersistence s = open("s");
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef a = b.attach(LIVE, "text/plain");
        commit(s, b.append(Fx.root("r")).append(Fx.child("n", "r", a)).head("n").checkpoint("tool_state", LIVE_SLOT));
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("m", "n")).head("m"));
        RuntimePersistence f = must("forkSession", () -> factory().forkSession(ForkRequest.of("s", "n", "f")));
        // the source drops everything below r; the fork still holds n, its attachment and its slot
        commit(s, RuntimeCommit.expecting(2).head("r"));
        checkEquals(2, s.tombstoneNodes(List.of("n")), "tombstoneNodes([n]) in the source");
        must("gcUnreachable", s::gcUnreachable);
        must("vacuum", s::vacuum);
        checkBytes(LIVE, f.loadBlob(h(LIVE)), "the fork's attachment after the source tombstoned, gc'd and vacuumed it",
                "that forks share blobs and gc counts the fork's references");
        checkBytes(LIVE_SLOT, f.loadBlob(h(LIVE_SLOT)), "the fork's slot blob after the source dropped it", null);
        checkEquals(LIVE_SLOT.length, (int) read(f).checkpoint().slot("tool_state").orElseThrow().blob().size(),
                "size of the fork's slot");
        // now the fork drops them too: a new root to move its head to, then tombstone n
        commit(f, RuntimeCommit.expecting(0).append(Fx.root("f-root")).head("f-root"));
        checkEquals(2, f.tombstoneNodes(List.of("r")), "tombstoneNodes([r]) in the fork (r and n)");
        GcReport report = must("gcUnreachable", f::gcUnreachable);
        check(factory().loadBlob(h(LIVE)).isEmpty(),
                "the shared attachment survived after both sessions tombstoned every node that referenced it");
        checkEquals(2L, report.blobsDeleted(), "blobs deleted once neither fork nor source references them");
        check(factory().loadBlob(h(LIVE_SLOT)).isEmpty(), "the shared slot blob survived after both sides dropped it");
    }

    @Test
    void rule16_forkSideDropsWhileSourceKeeps() {
        RuntimePersistence s = open("s");
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef a = b.attach(LIVE, "text/plain");
        commit(s, b.append(Fx.root("r")).append(Fx.child("n", "r", a)).head("n").checkpoint("tool_state", LIVE_SLOT));
        RuntimePersistence f = must("forkSession", () -> factory().forkSession(ForkRequest.of("s", "n", "f")));
        commit(f, RuntimeCommit.expecting(0).head("r"));
        checkEquals(1, f.tombstoneNodes(List.of("n")), "tombstoneNodes([n]) in the fork");
        must("gcUnreachable", f::gcUnreachable);
        must("vacuum", f::vacuum);
        checkBytes(LIVE, s.loadBlob(h(LIVE)), "the source's attachment after the fork dropped its copy of n", null);
        checkBytes(LIVE_SLOT, s.loadBlob(h(LIVE_SLOT)), "the source's slot after the fork dropped its copy of n", null);
        checkEquals(List.of("r", "n"), ids(s, SessionReadScope.activePath()), "the source's path after the fork's gc");
    }

    @Test
    void rule16_gcRacingCommitsThatReferenceStoredBlobsLosesNone() throws Exception {
        raceGcAgainstCommits(false);
    }

    @Test
    void rule16_gcRacingCommitsThatCarryStoredBlobsLosesNone() throws Exception {
        raceGcAgainstCommits(true);
    }

    /**
     * Each round stores a blob referenced only by a tombstoned node (so gc wants to delete it), then
     * races gc against a commit that references the blob, carrying it again or not. The commit may
     * lose (InvalidRequestException, only when it does not carry the blob), but if it wins, its node
     * must be able to load the blob afterwards.
     */
    private void raceGcAgainstCommits(boolean carry) throws TimeoutException, InterruptedException {
        RuntimePersistence s = open("s");
        RuntimePersistence side = open("side");
        chain(s, "main", 1);
        chain(side, "side", 1);
        long rev = 1;
        long sideRev = 1;
        int kept = 0;
        for (int round = 0; round < RACE_ROUNDS; round++) {
            byte[] bytes = Fx.random(1000 + round, 300 + round);
            // the blob's only reference is a tombstoned node, in this session or (a commit that carries the
            // bytes) in another one; a commit may name a blob without its bytes only if its session references it
            RuntimePersistence owner = carry && round % 2 == 1 ? side : s;
            long ownerRev = owner == s ? rev : sideRev;
            RuntimeCommit.Builder pre = RuntimeCommit.expecting(ownerRev);
            BlobRef ref = pre.attach(bytes, "application/octet-stream");
            String doomed = "doomed" + round;
            commit(owner, pre.append(Fx.root(doomed, ref)));
            if (owner == s) {
                rev++;
            } else {
                sideRev++;
            }
            checkEquals(1, owner.tombstoneNodes(List.of(doomed)), "tombstoneNodes([" + doomed + "])");
            String id = "keeper" + round;
            RuntimeCommit.Builder b = RuntimeCommit.expecting(rev);
            BlobRef use = carry ? b.attach(bytes, "application/octet-stream") : ref;
            RuntimeCommit c = b.append(Fx.child(id, "main1", use)).build();
            List<Callable<Object>> tasks = List.of(() -> s.commitRuntimeState(c), () -> s.gcUnreachable());
            List<Race.Outcome<Object>> out;
            try {
                out = Race.run(tasks, 60);
            } catch (TimeoutException e) {
                throw failure("gc racing a commit did not finish within 60 s", "for a deadlock between gc and commit", e);
            }
            if (!out.get(1).ok()) {
                throw failure("gcUnreachable racing a commit threw " + out.get(1).error(), null, out.get(1).error());
            }
            Race.Outcome<Object> commitOutcome = out.get(0);
            if (commitOutcome.ok()) {
                rev++;
                kept++;
                checkEquals(rev, ((RuntimeCommitResult) commitOutcome.value()).revision(), "revision of " + id);
                checkBytes(bytes, s.loadBlob(ref.hash()), "the blob of " + id + " after its commit raced gc and won"
                        + (carry ? " (the commit carried it)" : " (the commit referenced the stored blob)") + ", round "
                        + round, "that a commit referencing a stored blob and gc are serialized (one lock or"
                        + " transaction), and that a commit carrying a blob writes it even if a row with its hash exists");
                checkBytes(bytes, s.loadBlob(s.loadNode(id).orElseThrow().attachments().get(0).hash()),
                        "the attachment of " + id + " loaded through its node", null);
            } else if (carry || !(commitOutcome.error() instanceof InvalidRequestException)) {
                throw failure("a commit racing gc failed with " + commitOutcome.error() + (carry ? " although it carried"
                        + " its blob" : " (only InvalidRequestException for a blob gc deleted first is allowed)"),
                        null, commitOutcome.error());
            } else {
                check(s.loadNode(id).isEmpty(), "node " + id + " of a commit refused for a blob gc deleted is stored");
            }
            must("gcUnreachable", s::gcUnreachable);
            if (s.loadNode(id).isPresent()) {
                checkBytes(bytes, s.loadBlob(ref.hash()), "the blob of " + id + " after one more gc", null);
            }
        }
        check(!carry || kept == RACE_ROUNDS, "only " + kept + " of " + RACE_ROUNDS + " commits carrying their blob won");
    }

    @Test
    void rule17_vacuumRemovesDetachedNodesForGoodAndFreesTheirIds() {
        RuntimePersistence s = garbage();
        must("gcUnreachable", s::gcUnreachable);
        VacuumReport report = must("vacuum", s::vacuum);
        checkEquals(3L, report.nodesRemoved(), "VacuumReport.nodesRemoved after gc detached x, y and z");
        check(report.bytesReclaimed() >= 0, "VacuumReport.bytesReclaimed is negative");
        commit(s, RuntimeCommit.expecting(3).append(Fx.child("x", "a")).head("x"));
        checkEquals(List.of("r", "a", "x"), ids(s, SessionReadScope.activePath()), "active path with the reused id x");
        checkEquals(0L, must("vacuum", s::vacuum).nodesRemoved(), "VacuumReport.nodesRemoved of a second vacuum");
    }

    @Test
    void rule17_vacuumChangesNoReadAndNoLedger() {
        RuntimePersistence s = garbage();
        commit(s, RuntimeCommit.expecting(3).usage("a", "m", dev.cairn.persistence.TokenUsage.of(3, 4)));
        must("gcUnreachable", s::gcUnreachable);
        Snapshot before = snapshot(s, h(LIVE), h(SHARED), h(LIVE_SLOT), h(ONLY_DEAD));
        must("vacuum", s::vacuum);
        Snapshot after = snapshot(s, h(LIVE), h(SHARED), h(LIVE_SLOT), h(ONLY_DEAD));
        before.diff(after).ifPresent(d -> {
            throw failure("vacuum changed what reads return: " + d, null);
        });
    }

    @Test
    void rule17_vacuumLeavesTombstonedNodesThatGcDidNotDetach() {
        RuntimePersistence s = garbage();
        VacuumReport report = must("vacuum", s::vacuum);
        checkEquals(0L, report.nodesRemoved(), "VacuumReport.nodesRemoved before gc detached anything");
        checkEquals(List.of("r", "a", "x", "y", "z"), ids(s, SessionReadScope.fullGraphWithTombstones()),
                "fullGraphWithTombstones after vacuum without gc");
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(3)
                .append(Fx.root("x")).build()), "appending the tombstoned (not detached) id x after vacuum");
        checkBytes(ONLY_DEAD, s.loadBlob(h(ONLY_DEAD)), "blob B, before any gc", null);
    }
}
