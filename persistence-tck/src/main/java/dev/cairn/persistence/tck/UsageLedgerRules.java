package dev.cairn.persistence.tck;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import dev.cairn.persistence.UsageLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rule 14: the usage ledger. */
abstract class UsageLedgerRules extends KitRules {
    private static final TokenUsage U1 = new TokenUsage(100, 20, 30, 5);
    private static final TokenUsage U2 = new TokenUsage(7, 3, 0, 1);
    private static final TokenUsage U3 = new TokenUsage(1000, 400, 900, 250);

    UsageLedgerRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /** r - a - b (head), side branch x under r; usage on r (m1), a (m1, m2), x (m2), b (m1). */
    private List<RuntimeCommitResult> ledger(RuntimePersistence s) {
        List<RuntimeCommitResult> results = new ArrayList<>();
        results.add(commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).head("r").usage("r", "m1", U1)));
        results.add(commit(s, RuntimeCommit.expecting(1).append(Fx.child("a", "r")).head("a").usage("a", "m1", U2)
                .usage("a", "m2", U3)));
        results.add(commit(s, RuntimeCommit.expecting(2).append(Fx.child("x", "r")).usage("x", "m2", U1)));
        results.add(commit(s, RuntimeCommit.expecting(3).append(Fx.child("b", "a")).head("b").usage("b", "m1", U2)));
        return results;
    }

    private void checkTotals(UsageLedger u, String when) {
        checkEquals(U1.plus(U2).plus(U2), u.byModel().get("m1"), "usage.byModel[m1] " + when);
        checkEquals(U3.plus(U1), u.byModel().get("m2"), "usage.byModel[m2] " + when);
        checkEquals(2, u.byModel().size(), "number of models in usage.byModel " + when);
        checkEquals(U1.plus(U2).plus(U2).plus(U3).plus(U1), u.total(), "usage.total " + when);
    }

    @Test
    void rule14_ledgerSumsEveryRecordByModelAndInTotal() {
        RuntimePersistence s = open("s");
        ledger(s);
        for (SessionReadScope scope : List.of(SessionReadScope.activePath(), SessionReadScope.activePathTail(1),
                SessionReadScope.fullGraph(), SessionReadScope.activePathTo("x"))) {
            checkTotals(read(s, scope).usage(), "read with " + scope);
        }
    }

    @Test
    void rule14_turnsListTheEntriesOfTheReadNodesInCommitOrder() {
        RuntimePersistence s = open("s");
        List<RuntimeCommitResult> rs = ledger(s);
        PersistedSessionRead path = read(s);
        checkEquals(List.of("r/m1@1", "a/m1@2", "a/m2@2", "b/m1@4"), turns(path.usage()), "usage.turns of activePath");
        checkEquals(List.of("b/m1@4"), turns(read(s, SessionReadScope.activePathTail(1)).usage()),
                "usage.turns of activePathTail(1)");
        checkEquals(List.of("r/m1@1", "a/m1@2", "a/m2@2", "x/m2@3", "b/m1@4"),
                turns(read(s, SessionReadScope.fullGraph()).usage()), "usage.turns of fullGraph");
        checkEquals(List.of("r/m1@1", "x/m2@3"), turns(read(s, SessionReadScope.activePathTo("x")).usage()),
                "usage.turns of activePathTo(x)");
        UsageEntry first = nth(path.usage().turns(), 0, "usage.turns of the active path");
        checkEquals(U1, first.usage(), "usage of the entry of r");
        checkEquals(rs.get(0).committedAt(), first.recordedAt(), "recordedAt of the entry of r (its committedAt)");
        checkEquals(U3, path.usage().turns().get(2).usage(), "usage of the second entry of a");
    }

    private static List<String> turns(UsageLedger u) {
        List<String> out = new ArrayList<>();
        for (UsageEntry e : u.turns()) {
            out.add(e.nodeId() + "/" + e.model() + "@" + e.revision());
        }
        return out;
    }

    @Test
    void rule14_ledgerKeepsAbandonedTombstonedDetachedAndVacuumedTurns() {
        RuntimePersistence s = open("s");
        ledger(s);
        commit(s, RuntimeCommit.expecting(4).head("r"));
        checkTotals(read(s).usage(), "after rewinding to r (a and b abandoned)");
        checkEquals(3, s.tombstoneNodes(List.of("a", "x")), "tombstoneNodes([a, x]) with a's child b");
        checkTotals(read(s).usage(), "after tombstoning a, b and x");
        must("gcUnreachable", s::gcUnreachable);
        checkTotals(read(s).usage(), "after gc detached a, b and x");
        must("vacuum", s::vacuum);
        checkTotals(read(s).usage(), "after vacuum removed a, b and x");
        checkEquals(List.of("r/m1@1"), turns(read(s, SessionReadScope.fullGraphWithTombstones()).usage()),
                "usage.turns after the other nodes were vacuumed");
    }

    @Test
    void rule14_replayedCommitCountsOnce() {
        RuntimePersistence s = open("s");
        RuntimeCommit c = RuntimeCommit.expecting(0).append(Fx.root("r")).head("r").usage("r", "m", U3)
                .idempotencyKey("turn-1").build();
        commit(s, c);
        commit(s, c);
        commit(s, c);
        checkEquals(U3, read(s).usage().total(), "usage.total after a commit and two replays");
        checkEquals(1, read(s).usage().turns().size(), "usage.turns after a commit and two replays");
    }

    @Test
    void rule14_failedCommitRecordsNoUsage() {
        RuntimePersistence s = open("s");
        ledger(s);
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(4)
                .append(Fx.child("c", "b")).usage("c", "m3", U1).append(Fx.child("d", "nowhere")).build()),
                "a commit with usage and an unknown parent");
        checkTotals(read(s).usage(), "after a failed commit with usage");
    }

    @Test
    void rule14_newSessionHasAnEmptyLedger() {
        UsageLedger u = read(open("s")).usage();
        checkEquals(TokenUsage.ZERO, u.total(), "usage.total of a new session");
        checkEquals(Map.of(), u.byModel(), "usage.byModel of a new session");
        checkEquals(List.of(), u.turns(), "usage.turns of a new session");
    }
}
