package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Rule 3: the revision compare-and-set, alone and under races. */
abstract class CompareAndSetRules extends KitRules {
    private static final int RACERS = 8;
    private static final int ROUNDS = 15;

    CompareAndSetRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    @Test
    void rule03_staleExpectedRevisionIsRefusedWithBothNumbers() {
        RuntimePersistence s = open("s");
        chain(s, "n", 3);
        RevisionConflictException e = checkThrows(RevisionConflictException.class,
                () -> s.commitRuntimeState(RuntimeCommit.expecting(1).append(Fx.child("x", "n3")).build()),
                "a commit expecting revision 1 at revision 3");
        checkEquals(1L, e.expected(), "RevisionConflictException.expected()");
        checkEquals(3L, e.actual(), "RevisionConflictException.actual()");
        checkEquals("s", e.sessionId(), "RevisionConflictException.sessionId()");
    }

    @Test
    void rule03_futureExpectedRevisionIsRefused() {
        RuntimePersistence s = open("s");
        chain(s, "n", 2);
        RevisionConflictException e = checkThrows(RevisionConflictException.class,
                () -> s.commitRuntimeState(RuntimeCommit.expecting(7).build()),
                "an empty commit expecting revision 7 at revision 2");
        checkEquals(7L, e.expected(), "RevisionConflictException.expected()");
        checkEquals(2L, e.actual(), "RevisionConflictException.actual()");
        RevisionConflictException first = checkThrows(RevisionConflictException.class,
                () -> open("t").commitRuntimeState(RuntimeCommit.expecting(1).append(Fx.root("r")).build()),
                "the first commit of a new session expecting revision 1");
        checkEquals(0L, first.actual(), "RevisionConflictException.actual() of a new session");
    }

    @Test
    void rule03_refusedCommitWritesNothing() {
        RuntimePersistence s = open("s");
        chain(s, "n", 2);
        byte[] bytes = Fx.utf8("blob of a stale commit");
        Snapshot before = snapshot(s, ContentHash.of(bytes));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(1);
        BlobRef ref = b.attach(bytes, "text/plain");
        RuntimeCommit stale = b.append(Fx.child("x", "n2", ref)).head("x").checkpoint("c", Fx.utf8("c"))
                .usage("x", "m", TokenUsage.of(5, 5)).build();
        checkThrows(RevisionConflictException.class, () -> s.commitRuntimeState(stale), "a stale commit");
        checkUnchanged(before, snapshot(s, ContentHash.of(bytes)), "a commit refused with RevisionConflictException");
    }

    @Test
    void rule03_unconditionalCommitSkipsTheCheck() {
        RuntimePersistence s = open("s");
        chain(s, "n", 2);
        RuntimeCommitResult r = commit(s, RuntimeCommit.unconditional().append(Fx.child("x", "n2")).head("x"));
        checkEquals(3L, r.revision(), "revision after an unconditional commit at revision 2");
    }

    @Test
    void rule03_racingCommitsAcrossThreadsExactlyOneWins() throws Exception {
        RuntimePersistence s = open("s");
        race(i -> s, s);
    }

    @Test
    void rule03_racingCommitsAcrossStoresOfOneSessionExactlyOneWins() throws Exception {
        RuntimePersistence s = open("s");
        List<RuntimePersistence> stores = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            stores.add(i % 2 == 0 ? open("s") : factory().openExisting("s").orElseThrow());
        }
        race(stores::get, s);
    }

    @Test
    void rule03_racingCommitsAcrossFactoriesOnOneLocationExactlyOneWins() throws Exception {
        assumeSharedLocation("racing commits across factories");
        RuntimePersistence s = open("s");
        List<SessionStoreFactory> factories = List.of(factory(), kit.openOnLocation(), kit.openOnLocation());
        List<RuntimePersistence> stores = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            SessionStoreFactory f = factories.get(i % factories.size());
            stores.add(f.openExisting("s").orElseThrow(
                    () -> failure("a factory on the shared location does not find session 's'", SpecRules.hint(12))));
        }
        race(stores::get, s);
    }

    /**
     * Rounds of {@value #RACERS} commits at the same expected revision, each appending its own node;
     * exactly one must win, the others must fail with (expected, winner's revision), and only the
     * winner's node may be stored.
     */
    private void race(IntFunction<RuntimePersistence> storeOf, RuntimePersistence check)
            throws TimeoutException, InterruptedException {
        String parent = null;
        for (int round = 0; round < ROUNDS; round++) {
            long rev = round;
            List<Callable<RuntimeCommitResult>> tasks = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                String id = "r" + round + "-t" + i;
                ids.add(id);
                RuntimeCommit c = RuntimeCommit.expecting(rev).append(parent == null ? Fx.root(id) : Fx.child(id, parent))
                        .head(id).usage(id, "m", TokenUsage.of(1, 0)).build();
                RuntimePersistence store = storeOf.apply(i);
                tasks.add(() -> store.commitRuntimeState(c));
            }
            List<Race.Outcome<RuntimeCommitResult>> outcomes;
            try {
                outcomes = Race.run(tasks, 60);
            } catch (TimeoutException e) {
                throw failure("racing commits did not finish within 60 s (round " + round + ")",
                        "for a deadlock between the racing commits", e);
            }
            int winner = -1;
            for (int i = 0; i < RACERS; i++) {
                Race.Outcome<RuntimeCommitResult> o = outcomes.get(i);
                if (o.ok()) {
                    if (winner >= 0) {
                        throw failure("two of " + RACERS + " commits racing at revision " + rev + " succeeded (round "
                            + round + "): " + ids.get(winner) + " and " + ids.get(i) + " (revisions "
                            + outcomes.get(winner).value().revision() + " and " + o.value().revision() + ")", null);
                    }
                    winner = i;
                    checkEquals(rev + 1, o.value().revision(), "revision of the winning commit in round " + round);
                } else if (o.error() instanceof RevisionConflictException e) {
                    checkEquals(rev, e.expected(), "RevisionConflictException.expected() of a losing racer");
                    checkEquals(rev + 1, e.actual(), "RevisionConflictException.actual() of a losing racer"
                            + " (the winner's revision)");
                } else {
                    throw failure("a racing commit failed with " + o.error() + " instead of RevisionConflictException",
                            null, o.error());
                }
            }
            check(winner >= 0, "none of " + RACERS + " commits racing at revision " + rev + " succeeded (round "
                    + round + ")");
            checkEquals(rev + 1, revision(check), "revision after round " + round);
            for (int i = 0; i < RACERS; i++) {
                boolean present = check.loadNode(ids.get(i)).isPresent();
                check(present == (i == winner), "node " + ids.get(i) + " of a " + (i == winner ? "winning" : "losing")
                        + " racer is " + (present ? "stored" : "missing") + " (round " + round + ")");
            }
            checkEquals(rev + 1, read(check).usage().total().inputTokens(),
                    "usage input tokens after round " + round + " (one per winner)");
            parent = ids.get(winner);
        }
    }
}
