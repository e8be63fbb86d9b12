package dev.cairn.persistence.tck;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rule 15: tombstones. */
abstract class TombstoneRules extends KitRules {

    /** Rounds of each tombstone race: enough to lose a race that goes wrong one time in five. */
    private static final int RACE_ROUNDS = 30;
    private static final String SERIALIZED = "that tombstoneNodes and commits of the session are serialized (a lock or"
            + " a row lock on the session), so the cascade sees every child and the head check sees the head as"
            + " committed";

    TombstoneRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /**
     * r - a - b (head)
     *  \- x - y - z
     *      \- w
     * q (second root)
     */
    private RuntimePersistence tree() {
        RuntimePersistence s = open("s");
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).append(Fx.child("a", "r")).append(Fx.child("b", "a"))
                .head("b"));
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("x", "r")).append(Fx.child("y", "x"))
                .append(Fx.child("z", "y")).append(Fx.child("w", "x")).append(Fx.root("q")));
        return s;
    }

    private List<String> tombstoned(RuntimePersistence s) {
        List<String> out = new ArrayList<>();
        for (SessionNode n : read(s, SessionReadScope.fullGraphWithTombstones()).nodes()) {
            if (n.tombstoned()) {
                out.add(n.nodeId());
            }
        }
        return out;
    }

    @Test
    void rule15_tombstoneCascadesToDescendantsAndCountsThem() {
        RuntimePersistence s = tree();
        checkEquals(4, s.tombstoneNodes(List.of("x")), "tombstoneNodes([x]) with descendants y, z, w");
        checkEquals(List.of("x", "y", "z", "w"), tombstoned(s), "tombstoned nodes after tombstoning x");
        checkEquals(1, s.tombstoneNodes(List.of("q")), "tombstoneNodes([q]) of a leaf root");
    }

    @Test
    void rule15_tombstonedNodesLeaveEveryReadButFullGraphWithTombstones() {
        RuntimePersistence s = tree();
        s.tombstoneNodes(List.of("y"));
        checkEquals(List.of("r", "a", "b", "x", "w", "q"), ids(s, SessionReadScope.fullGraph()), "fullGraph");
        checkEquals(List.of("r", "a", "b", "x", "y", "z", "w", "q"), ids(s, SessionReadScope.fullGraphWithTombstones()),
                "fullGraphWithTombstones");
        check(s.loadNode("z").isEmpty(), "loadNode of z, tombstoned with its parent y, returned it");
        checkThrows(InvalidRequestException.class, () -> s.loadSession(SessionReadScope.activePathTo("z")),
                "activePathTo(z) of a tombstoned leaf");
        checkEquals(List.of("r", "a", "b"), ids(s, SessionReadScope.activePath()), "activePath");
    }

    @Test
    void rule15_nodeOnTheActivePathCannotBeTombstoned() {
        RuntimePersistence s = tree();
        for (List<String> ids : List.of(List.of("b"), List.of("a"), List.of("r"), List.of("x", "a"), List.of("q", "r"))) {
            Snapshot before = snapshot(s);
            checkThrows(InvalidRequestException.class, () -> s.tombstoneNodes(ids),
                    "tombstoneNodes(" + ids + ") with a node on the head's active path r-a-b");
            checkUnchanged(before, snapshot(s), "tombstoneNodes(" + ids + ") that failed");
        }
    }

    @Test
    void rule15_unknownIdFailsTheWholeCall() {
        RuntimePersistence s = tree();
        Snapshot before = snapshot(s);
        checkThrows(InvalidRequestException.class, () -> s.tombstoneNodes(List.of("x", "nowhere")),
                "tombstoneNodes([x, nowhere])");
        checkUnchanged(before, snapshot(s), "tombstoneNodes with an unknown id");
        checkThrows(InvalidRequestException.class, () -> s.tombstoneNodes(List.of("nowhere", "q")),
                "tombstoneNodes([nowhere, q])");
        checkUnchanged(before, snapshot(s), "tombstoneNodes with an unknown id first");
    }

    @Test
    void rule15_detachedIdFailsTheWholeCall() {
        RuntimePersistence s = tree();
        s.tombstoneNodes(List.of("w"));
        must("gcUnreachable", s::gcUnreachable);
        Snapshot before = snapshot(s);
        checkThrows(InvalidRequestException.class, () -> s.tombstoneNodes(List.of("q", "w")),
                "tombstoneNodes([q, w]) with w detached by gc");
        checkUnchanged(before, snapshot(s), "tombstoneNodes with a detached id");
    }

    @Test
    void rule15_tombstoningTwiceIsHarmlessAndCountsOnce() {
        RuntimePersistence s = tree();
        checkEquals(3, s.tombstoneNodes(List.of("y", "z", "w", "z")), "tombstoneNodes([y, z, w, z]): y, z, w once each");
        Snapshot before = snapshot(s);
        checkEquals(0, s.tombstoneNodes(List.of("y")), "tombstoneNodes([y]) again");
        checkEquals(0, s.tombstoneNodes(List.of("z", "w")), "tombstoneNodes([z, w]) again");
        checkUnchanged(before, snapshot(s), "tombstoning tombstoned nodes again");
        checkEquals(1, s.tombstoneNodes(List.of("x", "y")), "tombstoneNodes([x, y]) where only x is live");
        checkEquals(0, s.tombstoneNodes(List.of()), "tombstoneNodes([])");
    }

    @Test
    void rule15_aCommitRacingATombstoneNeverLeavesALiveNodeUnderATombstonedOne() throws Exception {
        RuntimePersistence s = open("s");
        raceAppendsUnder(s, s);
    }

    @Test
    void rule15_aCommitOnAnotherFactoryRacingATombstoneNeverLeavesALiveNodeUnderATombstonedOne() throws Exception {
        assumeSharedLocation("a tombstone racing a commit of another factory");
        RuntimePersistence s = open("s");
        raceAppendsUnder(s, kit.openOnLocation().openExisting("s").orElseThrow());
    }

    @Test
    void rule15_aCommitMovingTheHeadOntoANodeRacingItsTombstoneNeverLeavesTheHeadTombstoned() throws Exception {
        RuntimePersistence s = open("s");
        raceHeadOnto(s, open("s"));
    }

    @Test
    void rule15_aCommitOnAnotherFactoryMovingTheHeadOntoANodeRacingItsTombstoneNeverLeavesTheHeadTombstoned()
            throws Exception {
        assumeSharedLocation("a tombstone racing a head move of another factory");
        RuntimePersistence s = open("s");
        raceHeadOnto(s, kit.openOnLocation().openExisting("s").orElseThrow());
    }

    /** Rounds of: a commit appends a leaf under a branch while {@code tomb} tombstones the branch. */
    private void raceAppendsUnder(RuntimePersistence s, RuntimePersistence tomb) throws Exception {
        chain(s, "main", 1);
        for (int round = 0; round < RACE_ROUNDS; round++) {
            String branch = "branch" + round;
            String leaf = "leaf" + round;
            long rev = revision(s);
            commit(s, RuntimeCommit.expecting(rev).append(Fx.child(branch, "main1")));
            RuntimeCommit c = RuntimeCommit.expecting(rev + 1).append(Fx.child(leaf, branch)).build();
            List<Race.Outcome<Object>> out = Race.run(List.of(() -> s.commitRuntimeState(c),
                    () -> tomb.tombstoneNodes(List.of(branch))), 60);
            if (!out.get(1).ok()) {
                throw failure("tombstoneNodes racing a commit threw " + out.get(1).error(), null, out.get(1).error());
            }
            check(out.get(0).ok() || out.get(0).error() instanceof InvalidRequestException,
                    "a commit racing a tombstone of its parent failed with " + out.get(0).error());
            check(s.loadNode(branch).isEmpty(), branch + " is live after tombstoneNodes returned");
            check(s.loadNode(leaf).isEmpty(), "node " + leaf + " is live under its tombstoned parent " + branch
                    + " (round " + round + ")", SERIALIZED);
        }
        checkStillCommits(s);
    }

    /**
     * Rounds of: a commit moves the head onto a branch (even rounds) or appends a leaf under it and
     * moves the head there (odd rounds), while {@code tomb} tombstones the branch. At most one of the
     * two may succeed, and the head is live after both.
     */
    private void raceHeadOnto(RuntimePersistence s, RuntimePersistence tomb) throws Exception {
        chain(s, "main", 1);
        for (int round = 0; round < RACE_ROUNDS; round++) {
            String branch = "branch" + round;
            long rev = revision(s);
            commit(s, RuntimeCommit.expecting(rev).append(Fx.child(branch, "main1")));
            RuntimeCommit.Builder b = RuntimeCommit.expecting(rev + 1);
            String head = branch;
            if (round % 2 == 1) {
                head = "leaf" + round;
                b.append(Fx.child(head, branch));
            }
            RuntimeCommit c = b.head(head).build();
            List<Race.Outcome<Object>> out = Race.run(List.of(() -> s.commitRuntimeState(c),
                    () -> tomb.tombstoneNodes(List.of(branch))), 60);
            for (Race.Outcome<Object> o : out) {
                if (!o.ok() && !(o.error() instanceof InvalidRequestException)) {
                    throw failure("a commit moving the head to " + head + " racing tombstoneNodes([" + branch
                            + "]) threw " + o.error() + " (round " + round + ")", SERIALIZED, o.error());
                }
            }
            check(!(out.get(0).ok() && out.get(1).ok()), "both the commit that moved the head to " + head
                    + " and tombstoneNodes([" + branch + "]) succeeded (round " + round + "): the head is on a tombstoned"
                    + " node", SERIALIZED + "; a tombstone must see the head as it is after the commit it waited for");
            PersistedSessionRead r = read(s);
            check(r.head().nodeId().isPresent(), "the session lost its head (round " + round + ")", SERIALIZED);
            String now = r.head().nodeId().get();
            check(s.loadNode(now).isPresent(), "the head " + now + " is not a live node after a commit raced"
                    + " tombstoneNodes([" + branch + "]) (round " + round + ")", SERIALIZED);
        }
        checkStillCommits(s);
    }

    /** After the races, gc and vacuum, the session still takes a commit under its head. */
    private void checkStillCommits(RuntimePersistence s) {
        must("gcUnreachable after the races", s::gcUnreachable);
        must("vacuum after the races", s::vacuum);
        PersistedSessionRead r = read(s);
        var node = r.head().nodeId().map(h -> Fx.child("after", h)).orElseGet(() -> Fx.root("after"));
        commit(s, RuntimeCommit.expecting(r.head().revision()).append(node).head("after"));
        checkEquals(Optional.of("after"), read(s).head().nodeId(), "the head after a commit that follows the races");
    }

    @Test
    void rule15_tombstonesLeaveRevisionHeadAndLedger() {
        RuntimePersistence s = tree();
        commit(s, RuntimeCommit.expecting(2).usage("z", "m", dev.cairn.persistence.TokenUsage.of(5, 6)));
        var before = read(s);
        s.tombstoneNodes(List.of("x"));
        var after = read(s);
        checkEquals(before.head(), after.head(), "head and revision after tombstoneNodes");
        checkEquals(before.usage().total(), after.usage().total(), "usage.total after tombstoneNodes");
    }
}
