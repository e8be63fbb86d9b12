package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.TokenUsage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Rules 1 (atomic commits) and 2 (revisions). */
abstract class AtomicityAndRevisionRules extends KitRules {

    AtomicityAndRevisionRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /** A session with root "a" as head, a checkpoint slot and a usage record. */
    private RuntimePersistence seeded(String id) {
        RuntimePersistence s = open(id);
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("a")).head("a").checkpoint("slot", Fx.utf8("first"))
                .usage("a", "m1", TokenUsage.of(3, 4)));
        return s;
    }

    /**
     * A commit that carries a new attachment, a new checkpoint slot, usage and a key, whose first node
     * is valid and whose last node names an unknown parent.
     */
    private static RuntimeCommit failingCommit(long expected, byte[] attachment, byte[] slot) {
        RuntimeCommit.Builder b = RuntimeCommit.expecting(expected);
        BlobRef ref = b.attach(attachment, "text/plain");
        return b.append(Fx.child("b", "a", ref)).append(Fx.child("c", "no-such-parent")).head("b")
                .checkpoint("slot", slot).usage("b", "m1", TokenUsage.of(100, 100)).idempotencyKey("k1").build();
    }

    @Test
    void rule01_failedCommitLeavesNoTrace() {
        RuntimePersistence s = seeded("s");
        byte[] attachment = Fx.utf8("attachment of a commit that fails");
        byte[] slot = Fx.utf8("checkpoint of a commit that fails");
        ContentHash ha = ContentHash.of(attachment);
        ContentHash hs = ContentHash.of(slot);
        Snapshot before = snapshot(s, ha, hs);
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(failingCommit(1, attachment, slot)),
                "a commit whose last node names an unknown parent (rule 4)");
        checkUnchanged(before, snapshot(s, ha, hs), "a commit that failed on its last node");
        check(s.loadNode("b").isEmpty(), "node 'b' of the failed commit is visible through loadNode");
        // the key of the failed commit was not recorded, and 'b' is still free
        RuntimeCommit.Builder ok = RuntimeCommit.expecting(1);
        BlobRef ref = ok.attach(attachment, "text/plain");
        RuntimeCommitResult r = commit(s, ok.append(Fx.child("b", "a", ref)).head("b").idempotencyKey("k1"));
        check(!r.replayed(), "the retry of a failed commit under the same key was 'replayed': the failed commit"
                + " recorded its idempotency key", "that the idempotency key is written in the commit's transaction");
        checkEquals(2L, r.revision(), "revision after one good commit following a failed one");
    }

    @Test
    void rule01_failedCommitIsInvisibleToOtherStoresOfTheFactory() {
        RuntimePersistence s = seeded("s");
        RuntimePersistence second = open("s");
        RuntimePersistence third = factory().openExisting("s").orElseThrow(
                () -> failure("openExisting of a session with a commit returned empty", null));
        byte[] attachment = Fx.utf8("attachment, other stores");
        byte[] slot = Fx.utf8("slot, other stores");
        Snapshot before2 = snapshot(second, ContentHash.of(attachment), ContentHash.of(slot));
        Snapshot before3 = snapshot(third, ContentHash.of(attachment), ContentHash.of(slot));
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(failingCommit(1, attachment, slot)),
                "a commit whose last node names an unknown parent");
        checkUnchanged(before2, snapshot(second, ContentHash.of(attachment), ContentHash.of(slot)),
                "a failed commit, seen from a second createStore handle");
        checkUnchanged(before3, snapshot(third, ContentHash.of(attachment), ContentHash.of(slot)),
                "a failed commit, seen from an openExisting handle");
    }

    @Test
    void rule01_failedCommitIsInvisibleToOtherFactoriesOnTheLocation() {
        assumeSharedLocation("checking a failed commit from another factory");
        RuntimePersistence s = seeded("s");
        SessionStoreFactory other = kit.openOnLocation();
        RuntimePersistence there = other.openExisting("s").orElseThrow(
                () -> failure("another factory on the location does not find session 's'", SpecRules.hint(12)));
        byte[] attachment = Fx.utf8("attachment, other factory");
        byte[] slot = Fx.utf8("slot, other factory");
        Snapshot before = Snapshot.of(there, other, List.of(ContentHash.of(attachment), ContentHash.of(slot)));
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(failingCommit(1, attachment, slot)),
                "a commit whose last node names an unknown parent");
        checkUnchanged(before, Snapshot.of(there, other, List.of(ContentHash.of(attachment), ContentHash.of(slot))),
                "a failed commit, seen from another factory on the same location");
    }

    @Test
    void rule01_conflictingCommitWritesNothing() {
        RuntimePersistence s = seeded("s");
        byte[] attachment = Fx.utf8("attachment of a conflicting commit");
        Snapshot before = snapshot(s, ContentHash.of(attachment));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef ref = b.attach(attachment, "image/png");
        RuntimeCommit stale = b.append(Fx.child("b", "a", ref)).head("b").checkpoint("other", Fx.utf8("x"))
                .usage("b", "m2", TokenUsage.of(9, 9)).idempotencyKey("k-stale").build();
        checkThrows(RevisionConflictException.class, () -> s.commitRuntimeState(stale),
                "a commit expecting revision 0 at revision 1 (rule 3)");
        checkUnchanged(before, snapshot(s, ContentHash.of(attachment)), "a commit refused for its revision");
        RuntimeCommit fixed = RuntimeCommit.expecting(1).append(Fx.child("b", "a")).idempotencyKey("k-stale").build();
        check(!commit(s, fixed).replayed(), "a commit refused for its revision recorded its idempotency key");
    }

    @Test
    void rule01_concurrentReadersNeverSeeHalfACommit() throws Exception {
        RuntimePersistence writer = open("s");
        RuntimePersistence reader = open("s");
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Thread t = new Thread(() -> {
            while (!done.get() && problems.isEmpty()) {
                try {
                    PersistedSessionRead r = reader.loadSession(SessionReadScope.activePath()).orElseThrow();
                    long rev = r.head().revision();
                    // every good commit appends 3 nodes, checkpoints one slot at its head and records one usage
                    if (r.nodes().size() != 3 * rev) {
                        problems.add("revision " + rev + " with " + r.nodes().size() + " nodes on the active path");
                    }
                    if (rev > 0 && !r.head().nodeId().equals(Optional.of(r.nodes().get(r.nodes().size() - 1).nodeId()))) {
                        problems.add("head " + r.head() + " is not the last node of the path it came with");
                    }
                    if (rev > 0 && !r.checkpoint().slot("rev").map(c -> c.nodeId()).equals(r.head().nodeId())) {
                        problems.add("checkpoint slot 'rev' " + r.checkpoint().slot("rev") + " is not at head " + r.head());
                    }
                    if (r.usage().turns().size() != rev) {
                        problems.add("revision " + rev + " with " + r.usage().turns().size() + " usage turns");
                    }
                    if (r.nodes().stream().anyMatch(n -> n.nodeId().startsWith("bad"))) {
                        problems.add("a node of a failed commit is visible: " + Fx.ids(r.nodes()));
                    }
                } catch (RuntimeException e) {
                    problems.add("read threw " + e);
                }
            }
        }, "cairn-tck-reader");
        t.setDaemon(true);
        t.start();
        try {
            String parent = null;
            for (int i = 1; i <= 150 && problems.isEmpty(); i++) {
                long rev = i - 1;
                String x = "x" + i;
                String y = "y" + i;
                String z = "z" + i;
                RuntimeCommit.Builder good = RuntimeCommit.expecting(rev)
                        .append(parent == null ? Fx.root(x) : Fx.child(x, parent)).append(Fx.child(y, x))
                        .append(Fx.child(z, y)).head(z).checkpoint("rev", Fx.utf8("rev " + i))
                        .usage(z, "m", TokenUsage.of(1, 1));
                commit(writer, good);
                parent = z;
                RuntimeCommit bad = RuntimeCommit.expecting(i).append(Fx.child("bad" + i, z))
                        .append(Fx.child("bad-" + i, "missing")).head("bad" + i).build();
                try {
                    writer.commitRuntimeState(bad);
                    problems.add("a commit with an unknown parent succeeded");
                } catch (InvalidRequestException expected) {
                    // refused, as it must be
                }
            }
        } finally {
            done.set(true);
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        check(!t.isAlive(), "a read running beside a writer did not return within 30 s", "for a deadlock between"
                + " reads and commits");
        check(problems.isEmpty(), "a reader running beside a writer saw part of a commit: " + problems.peek(),
                "that a commit becomes visible all at once (one transaction) and that a read is one snapshot (rule 12)");
    }

    @Test
    void rule02_newSessionIsAtRevisionZeroWithoutHead() {
        RuntimePersistence s = open("fresh");
        PersistedSessionRead r = read(s);
        checkEquals(0L, r.head().revision(), "revision of a new session");
        checkEquals(Optional.empty(), r.head().nodeId(), "head of a new session");
        check(r.nodes().isEmpty(), "a new session's active path has nodes: " + Fx.ids(r.nodes()));
        check(read(s, SessionReadScope.fullGraphWithTombstones()).nodes().isEmpty(), "a new session has nodes");
        check(r.checkpoint().isEmpty(), "a new session has checkpoint slots: " + r.checkpoint());
        checkEquals(TokenUsage.ZERO, r.usage().total(), "usage total of a new session");
        checkEquals("fresh", r.meta().sessionId(), "meta.sessionId of a new session");
    }

    @Test
    void rule02_everySuccessfulCommitRaisesTheRevisionByOne() {
        RuntimePersistence s = open("s");
        List<RuntimeCommit> commits = List.of(
                RuntimeCommit.expecting(0).append(Fx.root("a")).head("a").build(),
                RuntimeCommit.expecting(1).build(),
                RuntimeCommit.expecting(2).append(Fx.child("b", "a")).build(),
                RuntimeCommit.expecting(3).head("b").build(),
                RuntimeCommit.expecting(4).checkpoint("slot", Fx.utf8("s")).build(),
                RuntimeCommit.expecting(5).usage("a", "m", TokenUsage.of(1, 2)).build(),
                RuntimeCommit.unconditional().append(NewNode.root("r2", NodeKind.ERROR, new byte[0])).build(),
                RuntimeCommit.unconditional().build());
        long expected = 0;
        for (RuntimeCommit c : commits) {
            expected++;
            RuntimeCommitResult r = commit(s, c);
            checkEquals(expected, r.revision(), "revision returned by " + c);
            check(!r.replayed(), "a commit without idempotency key came back replayed");
            checkEquals(expected, revision(s), "revision read after " + c);
        }
    }

    @Test
    void rule02_tombstonesGcVacuumAndMetadataLeaveTheRevision() {
        RuntimePersistence s = open("s");
        chain(s, "n", 3);
        commit(s, RuntimeCommit.expecting(3).append(Fx.child("side", "n1")));
        long rev = revision(s);
        must("tombstoneNodes", () -> s.tombstoneNodes(List.of("side")));
        checkEquals(rev, revision(s), "revision after tombstoneNodes");
        must("gcUnreachable", s::gcUnreachable);
        checkEquals(rev, revision(s), "revision after gcUnreachable");
        must("vacuum", s::vacuum);
        checkEquals(rev, revision(s), "revision after vacuum");
        var meta = s.loadSessionMeta().orElseThrow();
        must("saveSessionMeta", () -> {
            s.saveSessionMeta(meta.withName("renamed"));
            return null;
        });
        checkEquals(rev, revision(s), "revision after saveSessionMeta");
    }

    @Test
    void rule02_failedCommitsLeaveTheRevision() {
        RuntimePersistence s = open("s");
        chain(s, "n", 2);
        for (RuntimeCommit bad : List.of(RuntimeCommit.expecting(0).append(Fx.root("x")).build(),
                RuntimeCommit.expecting(2).append(Fx.child("x", "nope")).build(),
                RuntimeCommit.expecting(2).head("nope").build())) {
            try {
                s.commitRuntimeState(bad);
            } catch (RuntimeException expected) {
                // refused, as rules 3 to 5 require
            }
            checkEquals(2L, revision(s), "revision after the refused commit " + bad);
        }
    }

    @Test
    void rule02_forkStartsAtRevisionZeroWithHeadOnTheForkNode() {
        RuntimePersistence s = open("s");
        chain(s, "n", 4);
        RuntimePersistence f = must("forkSession", () -> factory().forkSession(ForkRequest.of("s", "n2", "f")));
        PersistedSessionRead r = read(f);
        checkEquals(0L, r.head().revision(), "revision of a fork");
        checkEquals(Optional.of("n2"), r.head().nodeId(), "head of a fork at n2");
        checkEquals(1L, commit(f, RuntimeCommit.expecting(0).append(Fx.child("f3", "n2")).head("f3")).revision(),
                "revision of a fork's first commit");
    }
}
