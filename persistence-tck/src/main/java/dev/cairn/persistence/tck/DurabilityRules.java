package dev.cairn.persistence.tck;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 23 (and rule 12 across processes), for providers that declare {@code PROCESS_CRASH_SAFE} or
 * more and give a shared location: child JVMs commit while the kit kills them with SIGKILL, and
 * after each kill the kit reopens the location and checks every acknowledged commit.
 */
abstract class DurabilityRules extends KitRules {
    /** Where to look when a child cannot open the location again; power cuts add the flush ({@link PowerCutRules}). */
    static final String REPAIR_HINT = "that opening the location recovers an interrupted write by itself"
            + " (journal or WAL recovery, no lock left behind by the dead process, no manual step)";

    DurabilityRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void rule23_killedProcessLosesNoAcknowledgedCommitAndLeavesNoPartialOne() throws Exception {
        assumeCrashSafe("kill -9 of a child JVM");
        String location = kit.location().orElseThrow();
        factory().close();
        long seed = kit.settings().seedOrRandom();
        int kills = kit.settings().kills();
        System.out.println("[cairn-tck] " + kit.getClass().getSimpleName() + " durability test: " + kills
                + " kills, seed=" + seed + " (replay the timing choices with -D" + KitSettings.SEED + "=" + seed + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        long lastAck = 0;
        long verified = 0;
        long start = System.nanoTime();
        int done = 0;
        for (int k = 1; k <= kills; k++) {
            try (ChildJvm child = ChildJvm.start("commit", location, DurableSteps.SESSION)) {
                if (rnd.nextInt(5) == 0) {
                    Thread.sleep(rnd.nextInt(500)); // kill during start-up or open, too
                } else {
                    String ready = child.await(l -> l.startsWith("READY "), 30_000);
                    if (ready == null) {
                        throw failure("child JVM " + k + " did not open the location within 30 s after kill -9 number "
                                + (k - 1) + " (" + (child.alive() ? "still running" : "exit code " + child.exitValue())
                                + "); its stderr: " + child.logTail(), REPAIR_HINT);
                    }
                    long opened = Long.parseLong(ready.substring(6).trim());
                    // A database server may still finish the one commit the killed child had sent (its
                    // COMMIT was received before the kill), after the kit's check: at most that one commit
                    // appears, and the next check verifies it in full (SPEC rule 23).
                    check(opened == verified || opened == verified + 1, "revision a new process saw when it opened"
                            + " the location after kill -9 number " + (k - 1) + ": expected " + verified + " (or "
                            + (verified + 1) + ", the killed process's commit in flight) but was " + opened, REPAIR_HINT);
                    Thread.sleep(rnd.nextInt(300));
                }
                if (!child.alive()) {
                    throw failure("child JVM " + k + " exited by itself (exit code " + child.exitValue()
                            + ") instead of committing until killed; its stderr: " + child.logTail(), null);
                }
                child.kill();
                for (String line : child.drain()) {
                    if (line.startsWith("ACK ")) {
                        lastAck = Math.max(lastAck, Long.parseLong(line.substring(4).trim()));
                    }
                }
            }
            verified = verify(location, lastAck, verified, "kill -9 number " + k, rnd);
            done = k;
        }
        check(verified > 0, "no child JVM acknowledged a commit in " + done + " runs", REPAIR_HINT);
        System.out.println("[cairn-tck] durability test: " + done + " kills, " + verified + " commits survived, last"
                + " acknowledged " + lastAck + ", " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /**
     * Reopens the location with a new factory and checks the session against the steps.
     *
     * @param event what happened to the last child JVM, for failure messages
     * @return the session's revision
     */
    final long verify(String location, long lastAck, long before, String event, SplittableRandom rnd) {
        String after = " after " + event + " (acknowledged up to revision " + lastAck + ")";
        SessionStoreFactory f;
        try {
            f = SessionStores.open(location);
        } catch (RuntimeException e) {
            throw failure("reopening the location" + after + " failed: " + e, REPAIR_HINT, e);
        }
        try (SessionStoreFactory factory = f) {
            Optional<RuntimePersistence> found = must("openExisting" + after,
                    () -> factory.openExisting(DurableSteps.SESSION));
            if (found.isEmpty()) {
                check(lastAck == 0, "the session is gone" + after + ": acknowledged commits were lost");
                return 0;
            }
            RuntimePersistence s = found.get();
            PersistedSessionRead full = read(s, SessionReadScope.fullGraphWithTombstones());
            long r = full.head().revision();
            check(r >= lastAck, "the session is at revision " + r + after + ": acknowledged commits "
                    + (r + 1) + ".." + lastAck + " were lost");
            check(r >= before, "the revision went back from " + before + " to " + r + after);
            checkEquals(2 * r, (long) full.nodes().size(), "number of nodes at revision " + r + after
                    + " (each commit appends 2; another count means a commit is there in part)");
            for (long i = 1; i <= r; i++) {
                checkStep(full.nodes().get((int) (2 * i - 2)), full.nodes().get((int) (2 * i - 1)), i, after);
            }
            checkEquals(r == 0 ? Optional.empty() : Optional.of(DurableSteps.b(r)), full.head().nodeId(), "head" + after);
            if (r > 0) {
                checkCheckpoint(full.checkpoint().slot("state"), r, "state", DurableSteps.state(r), after);
                if (r >= 2) {
                    checkCheckpoint(full.checkpoint().slot("even"), r - r % 2, "even", DurableSteps.even(r - r % 2), after);
                } else {
                    // Revision 1 committed no "even" slot yet (the first is at revision 2).
                    checkEquals(Optional.empty(), full.checkpoint().slot("even"), "slot even at revision 1" + after);
                }
                long k = 1 + rnd.nextInt((int) r);
                checkCheckpoint(read(s, SessionReadScope.activePathTo(DurableSteps.b(k))).checkpoint().slot("state"), k,
                        "state", DurableSteps.state(k), " at " + DurableSteps.b(k) + after);
            }
            TokenUsage total = TokenUsage.ZERO;
            for (long i = 1; i <= r; i++) {
                total = total.plus(DurableSteps.usage(i));
            }
            checkEquals(total, full.usage().total(), "usage total at revision " + r + after);
            checkEquals((int) r, full.usage().turns().size(), "usage turns at revision " + r + after);
            for (UsageEntry e : full.usage().turns()) {
                checkEquals(DurableSteps.b(e.revision()), e.nodeId(), "node of the usage entry of revision " + e.revision());
                checkEquals(DurableSteps.usage(e.revision()), e.usage(), "usage of revision " + e.revision() + after);
            }
            for (long i = Math.max(1, before - 1); i <= r; i++) {
                checkBytes(DurableSteps.attachment(i), s.loadBlob(DurableSteps.attachmentRef(i).hash()),
                        "attachment of revision " + i + after, null);
                checkBytes(DurableSteps.state(i), s.loadBlob(ContentHash.of(DurableSteps.state(i))),
                        "checkpoint blob of revision " + i + after, null);
            }
            if (r > 0) {
                RuntimeCommitResult replay = must("re-sending commit " + r + " with its key" + after,
                        () -> s.commitRuntimeState(DurableSteps.commit(r)));
                check(replay.replayed() && replay.revision() == r, "re-sending commit " + r + " under its idempotency"
                        + " key" + after + " gave " + replay + " instead of the replayed result (keys must survive too)");
            }
            return r;
        }
    }

    private void checkStep(SessionNode a, SessionNode b, long i, String after) {
        checkEquals(DurableSteps.a(i), a.nodeId(), "node " + (2 * i - 1) + after);
        checkEquals(DurableSteps.b(i), b.nodeId(), "node " + (2 * i) + after);
        checkEquals(i == 1 ? Optional.empty() : Optional.of(DurableSteps.b(i - 1)), a.parentNodeId(),
                "parent of " + a.nodeId() + after);
        checkEquals(Optional.of(a.nodeId()), b.parentNodeId(), "parent of " + b.nodeId() + after);
        checkEquals(NodeKind.TOOL_CALL, a.kind(), "kind of " + a.nodeId());
        checkBytes(DurableSteps.payloadA(i), a.payload(), "payload of " + a.nodeId() + after, null);
        checkBytes(DurableSteps.payloadB(i), b.payload(), "payload of " + b.nodeId() + after, null);
        checkEquals(List.of(DurableSteps.attachmentRef(i)), a.attachments(), "attachments of " + a.nodeId() + after);
        check(!a.tombstoned() && !b.tombstoned(), "a node of revision " + i + " is tombstoned" + after);
    }

    private void checkCheckpoint(Optional<CheckpointSlot> slot, long at, String name, byte[] bytes, String after) {
        checkEquals(DurableSteps.b(at), slot.map(CheckpointSlot::nodeId).orElse(null), "node of slot " + name + after);
        checkEquals(ContentHash.of(bytes), slot.get().blob().hash(), "blob of slot " + name + after);
    }

    @Test
    void rule12_anotherProcessSeesCommitsOfAnOpenFactory() throws Exception {
        assumeCrashSafe("reading from another process");
        String location = kit.location().orElseThrow();
        RuntimePersistence s = open(DurableSteps.SESSION);
        for (long r = 1; r <= 3; r++) {
            commit(s, DurableSteps.commit(r));
        }
        try (ChildJvm child = ChildJvm.start("read", location, DurableSteps.SESSION)) {
            String line = child.await(l -> l.startsWith("REVISION") || l.startsWith("MISSING"), 60_000);
            checkEquals("REVISION 3 HEAD d3b NODES 6", line, "what another process reads while this process's factory"
                    + " is open (its stderr: " + (line == null ? child.logTail() : "-") + ")");
        }
        try (ChildJvm child = ChildJvm.start("commit", location, DurableSteps.SESSION)) {
            String ack = child.await(l -> l.equals("ACK 6"), 60_000);
            check(ack != null, "a child JVM did not acknowledge commits 4 to 6 on a location this process has open: "
                    + child.logTail(), "that a second process can write while another one holds a factory open");
            child.kill();
        }
        long r = revision(s);
        check(r >= 6, "this process's open store sees revision " + r + " after another process acknowledged"
                + " revision 6", SpecRules.hint(12));
        checkEquals(List.of(DurableSteps.a(1), DurableSteps.b(1)), ids(s, SessionReadScope.fullGraph()).subList(0, 2),
                "the first nodes");
    }
}
