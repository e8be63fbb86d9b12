package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreCorruptedException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Rules 11 (checkpoints), 12 (visibility) and 13 (blob integrity). */
abstract class CheckpointVisibilityBlobRules extends KitRules {

    CheckpointVisibilityBlobRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    private static byte[] state(String s) {
        return Fx.utf8("state:" + s);
    }

    /**
     * n1 [tool=1, plugin=1] - n2 - n3 [tool=3] - n4 [prompt=4]   (head n4)
     *                          \- b3 [plugin=b]
     */
    private RuntimePersistence checkpointed() {
        RuntimePersistence s = open("s");
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("n1")).head("n1").checkpoint("tool_state", state("1"))
                .checkpoint("plugin_state", state("1")));
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("n2", "n1")).head("n2"));
        commit(s, RuntimeCommit.expecting(2).append(Fx.child("n3", "n2")).head("n3").checkpoint("tool_state", state("3")));
        commit(s, RuntimeCommit.expecting(3).append(Fx.child("n4", "n3")).head("n4").checkpoint("prompt", state("4")));
        commit(s, RuntimeCommit.expecting(4).append(Fx.child("b3", "n2")).head("b3").checkpoint("plugin_state", state("b")));
        commit(s, RuntimeCommit.expecting(5).head("n4"));
        return s;
    }

    private static Map<String, String> slots(Checkpoint c) {
        Map<String, String> out = new TreeMap<>();
        c.slots().forEach((k, v) -> out.put(k, v.nodeId() + ":" + v.blob().hash().hex().substring(0, 12)));
        return out;
    }

    private static Map<String, String> expected(Object... slotNodeState) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < slotNodeState.length; i += 3) {
            out.put((String) slotNodeState[i], slotNodeState[i + 1] + ":"
                    + ContentHash.of(state((String) slotNodeState[i + 2])).hex().substring(0, 12));
        }
        return out;
    }

    @Test
    void rule11_eachSlotResolvesToTheNearestNodeOfThePath() {
        RuntimePersistence s = checkpointed();
        checkEquals(expected("prompt", "n4", "4", "tool_state", "n3", "3", "plugin_state", "n1", "1"),
                slots(read(s).checkpoint()), "checkpoint at head n4 (slot=node:hash)");
    }

    @Test
    void rule11_rewindReturnsTheOlderCheckpoint() {
        RuntimePersistence s = checkpointed();
        commit(s, RuntimeCommit.expecting(6).head("n2"));
        checkEquals(expected("tool_state", "n1", "1", "plugin_state", "n1", "1"), slots(read(s).checkpoint()),
                "checkpoint after rewinding the head to n2");
        commit(s, RuntimeCommit.expecting(7).head("n3"));
        checkEquals(expected("tool_state", "n3", "3", "plugin_state", "n1", "1"), slots(read(s).checkpoint()),
                "checkpoint with the head on n3");
    }

    @Test
    void rule11_branchSwitchReturnsTheBranchCheckpoint() {
        RuntimePersistence s = checkpointed();
        RuntimeCommitResult r = commit(s, RuntimeCommit.expecting(6).head("b3"));
        Map<String, String> branch = expected("tool_state", "n1", "1", "plugin_state", "b3", "b");
        checkEquals(branch, slots(r.checkpoint()), "checkpoint in the result of switching to branch b3");
        checkEquals(branch, slots(read(s).checkpoint()), "checkpoint read after switching to branch b3");
    }

    @Test
    void rule11_activePathToResolvesAtItsLeaf() {
        RuntimePersistence s = checkpointed();
        checkEquals(expected("tool_state", "n1", "1", "plugin_state", "b3", "b"),
                slots(read(s, SessionReadScope.activePathTo("b3")).checkpoint()), "checkpoint of activePathTo(b3)");
        checkEquals(expected("tool_state", "n1", "1", "plugin_state", "n1", "1"),
                slots(read(s, SessionReadScope.activePathTo("n1")).checkpoint()), "checkpoint of activePathTo(n1)");
        checkEquals(expected("prompt", "n4", "4", "tool_state", "n3", "3", "plugin_state", "n1", "1"),
                slots(read(s, SessionReadScope.activePathTail(1)).checkpoint()), "checkpoint of activePathTail(1)");
    }

    @Test
    void rule11_slotCommittedAgainAtTheSameNodeReplacesIt() {
        RuntimePersistence s = checkpointed();
        commit(s, RuntimeCommit.expecting(6).checkpoint("tool_state", state("3'")));
        checkEquals(expected("prompt", "n4", "4", "tool_state", "n4", "3'", "plugin_state", "n1", "1"),
                slots(read(s).checkpoint()), "checkpoint after committing tool_state at n4");
        commit(s, RuntimeCommit.expecting(7).checkpoint("tool_state", state("3''")));
        checkEquals(expected("prompt", "n4", "4", "tool_state", "n4", "3''", "plugin_state", "n1", "1"),
                slots(read(s).checkpoint()), "checkpoint after committing tool_state at n4 again");
    }

    @Test
    void rule11_slotsCommittedAtANodeWithDescendantsResolveBelowIt() {
        RuntimePersistence s = checkpointed();
        RuntimeCommitResult r = commit(s, RuntimeCommit.expecting(6).head("n2").checkpoint("plugin_state", state("2"))
                .checkpoint("prompt", state("2")));
        checkEquals(expected("tool_state", "n1", "1", "plugin_state", "n2", "2", "prompt", "n2", "2"), slots(r.checkpoint()),
                "checkpoint in the result of committing slots at n2, which has descendants");
        commit(s, RuntimeCommit.expecting(7).head("n4"));
        checkEquals(expected("prompt", "n4", "4", "tool_state", "n3", "3", "plugin_state", "n2", "2"),
                slots(read(s).checkpoint()), "checkpoint at n4 below n2");
        commit(s, RuntimeCommit.expecting(8).head("n3"));
        checkEquals(expected("tool_state", "n3", "3", "plugin_state", "n2", "2", "prompt", "n2", "2"),
                slots(read(s).checkpoint()), "checkpoint at n3 below n2");
        commit(s, RuntimeCommit.expecting(9).head("b3"));
        checkEquals(expected("plugin_state", "b3", "b", "prompt", "n2", "2", "tool_state", "n1", "1"),
                slots(read(s).checkpoint()), "checkpoint at b3 below n2");
    }

    @Test
    void rule11_slotIsAbsentWhenNoNodeOfThePathHasIt() {
        RuntimePersistence s = checkpointed();
        check(read(s).checkpoint().slot("execution_state").isEmpty(), "a slot nobody committed is present");
        commit(s, RuntimeCommit.expecting(6).append(Fx.root("other")).head("other"));
        check(read(s).checkpoint().isEmpty(), "a root without slots resolved slots from another path: "
                + read(s).checkpoint());
    }

    @Test
    void rule11_checkpointBlobsHoldTheCommittedBytes() {
        RuntimePersistence s = checkpointed();
        for (CheckpointSlot slot : read(s).checkpoint().slots().values()) {
            checkEquals(BlobRef.OCTET_STREAM, slot.blob().mediaType(), "media type of slot " + slot.slot());
            Optional<byte[]> bytes = s.loadBlob(slot.blob().hash());
            checkEquals(slot.blob().size(), (long) bytes.map(b -> b.length).orElse(-1), "size of slot " + slot.slot());
            check(bytes.isPresent() && slot.blob().hash().matches(bytes.get()), "bytes of slot " + slot.slot()
                    + " do not hash to its BlobRef", SpecRules.hint(13));
        }
    }

    @Test
    void rule12_commitIsVisibleFromEveryStoreOfTheFactory() {
        RuntimePersistence early = open("s");
        RuntimePersistence writer = open("s");
        for (SessionReadScope scope : List.of(SessionReadScope.activePath(), SessionReadScope.fullGraph(),
                SessionReadScope.fullGraphWithTombstones(), SessionReadScope.activePathTail(2))) {
            read(early, scope); // a handle that has read before must still see later commits of other handles
        }
        chain(writer, "n", 3);
        RuntimePersistence late = factory().openExisting("s").orElseThrow(
                () -> failure("openExisting does not find a session with commits", null));
        String expected = Snapshot.render(read(writer, SessionReadScope.fullGraphWithTombstones()));
        checkEquals(expected, Snapshot.render(read(early, SessionReadScope.fullGraphWithTombstones())),
                "read of a handle that read before another handle committed");
        checkEquals(List.of("n1", "n2", "n3"), ids(early, SessionReadScope.activePath()),
                "active path read by a handle that read before another handle committed");
        checkEquals(List.of("n2", "n3"), ids(early, SessionReadScope.activePathTail(2)),
                "activePathTail(2) read by a handle that read before another handle committed");
        checkEquals(expected, Snapshot.render(read(late, SessionReadScope.fullGraphWithTombstones())),
                "read of a handle opened after the commits");
        read(writer);
        commit(early, RuntimeCommit.expecting(3).append(Fx.child("n4", "n3")).head("n4"));
        checkEquals(4L, revision(writer), "revision seen by the writer after another handle committed");
        check(writer.loadNode("n4").isPresent(), "loadNode of a node another handle committed");
        check(late.loadNode("n4").isPresent(), "loadNode of n4 through a third handle");
    }

    @Test
    void rule12_commitIsVisibleFromAnotherFactoryOnTheLocation() {
        assumeSharedLocation("reading from another factory");
        RuntimePersistence s = open("s");
        SessionStoreFactory other = kit.openOnLocation();
        chain(s, "n", 3);
        RuntimePersistence there = other.openExisting("s").orElseThrow(
                () -> failure("another factory on the location does not find session 's'", null));
        checkEquals(Snapshot.render(read(s, SessionReadScope.fullGraphWithTombstones())),
                Snapshot.render(read(there, SessionReadScope.fullGraphWithTombstones())),
                "read of another factory on the location");
        commit(there, RuntimeCommit.expecting(3).append(Fx.child("n4", "n3")).head("n4"));
        checkEquals(List.of("n1", "n2", "n3", "n4"), ids(s, SessionReadScope.activePath()),
                "active path of the first factory after the other factory committed");
    }

    @Test
    void rule12_commitSurvivesClosingAndReopeningTheFactory() {
        assumeSharedLocation("closing and reopening the factory");
        RuntimePersistence s = checkpointed();
        byte[] attachment = Fx.random(77, 5000);
        RuntimeCommit.Builder b = RuntimeCommit.expecting(6);
        BlobRef ref = b.attach(attachment, "application/octet-stream");
        commit(s, b.append(Fx.child("n5", "n4", ref)).head("n5"));
        String before = Snapshot.render(read(s, SessionReadScope.fullGraphWithTombstones()));
        factory().close();
        SessionStoreFactory reopened = kit.openOnLocation();
        RuntimePersistence again = reopened.openExisting("s").orElseThrow(
                () -> failure("session 's' is gone after closing and reopening the factory", null));
        checkEquals(before, Snapshot.render(read(again, SessionReadScope.fullGraphWithTombstones())),
                "the session after closing and reopening the factory");
        checkBytes(attachment, again.loadBlob(ref.hash()), "attachment after reopening", null);
    }

    @Test
    void rule12_everyReadIsOneSnapshot() throws Exception {
        RuntimePersistence writer = open("s");
        RuntimePersistence reader = open("s");
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Thread t = new Thread(() -> {
            while (!done.get() && problems.isEmpty()) {
                PersistedSessionRead r;
                try {
                    r = reader.loadSession(SessionReadScope.activePathTail(2)).orElseThrow();
                } catch (RuntimeException e) {
                    problems.add("read threw " + e);
                    break;
                }
                long rev = r.head().revision();
                String want = rev == 0 ? null : "c" + rev;
                String last = r.nodes().isEmpty() ? null : r.nodes().get(r.nodes().size() - 1).nodeId();
                if (!java.util.Objects.equals(want, last) || !r.head().nodeId().equals(Optional.ofNullable(want))) {
                    problems.add("revision " + rev + ", head " + r.head().nodeId() + ", last node " + last);
                }
                if (rev > 0 && r.checkpoint().slot("rev").map(c -> c.nodeId()).filter(want::equals).isEmpty()) {
                    problems.add("revision " + rev + " with checkpoint " + r.checkpoint());
                }
            }
        }, "cairn-tck-reader");
        t.setDaemon(true);
        t.start();
        try {
            for (int i = 1; i <= 200 && problems.isEmpty(); i++) {
                String id = "c" + i;
                commit(writer, RuntimeCommit.expecting(i - 1).append(i == 1 ? Fx.root(id) : Fx.child(id, "c" + (i - 1)))
                        .head(id).checkpoint("rev", Fx.utf8(id)));
            }
        } finally {
            done.set(true);
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        check(!t.isAlive(), "a read running beside a writer did not return within 30 s", "for a deadlock between"
                + " reads and commits");
        check(problems.isEmpty(), "a read's head, nodes and checkpoint came from different moments: " + problems.peek());
    }

    @Test
    void rule13_loadBlobReturnsExactlyTheStoredBytes() {
        RuntimePersistence s = open("s");
        List<byte[]> blobs = List.of(new byte[0], Fx.everyByte(), new byte[1 << 20], Fx.random(5, 256 * 1024),
                Fx.utf8("x".repeat(10_000)));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef[] refs = new BlobRef[blobs.size()];
        for (int i = 0; i < blobs.size(); i++) {
            refs[i] = b.attach(blobs.get(i), "application/octet-stream");
        }
        commit(s, b.append(Fx.root("r", refs)).head("r").checkpoint("tool_state", Fx.random(6, 70_000)));
        for (int i = 0; i < blobs.size(); i++) {
            checkBytes(blobs.get(i), s.loadBlob(refs[i].hash()), "loadBlob of attachment " + i + " (" + blobs.get(i).length
                    + " bytes)", null);
        }
        checkBytes(Fx.random(6, 70_000), s.loadBlob(ContentHash.of(Fx.random(6, 70_000))), "loadBlob of a slot", null);
    }

    @Test
    void rule13_loadBlobOfAnUnknownHashIsEmpty() {
        RuntimePersistence s = checkpointed();
        check(s.loadBlob(ContentHash.of(Fx.utf8("never stored"))).isEmpty(), "loadBlob of an unknown hash returned bytes");
        check(s.loadBlob(new ContentHash("0".repeat(64))).isEmpty(), "loadBlob of the all-zero hash returned bytes");
    }

    @Test
    void rule13_aSessionsStoreHandsOutOnlyTheBlobsOfItsSession() {
        RuntimePersistence a = checkpointed();
        byte[] attachment = Fx.utf8("an attachment of session s only");
        RuntimeCommit.Builder c = RuntimeCommit.expecting(6);
        BlobRef ref = c.attach(attachment, "text/plain");
        commit(a, c.append(Fx.child("n5", "n4", ref)).head("n5"));
        RuntimePersistence b = open("b");
        chain(b, "m", 1);
        String hint = "that a session's store hands out only blobs that a node of the session that is not detached"
                + " attaches or has a checkpoint slot with (rule 13); SessionStoreFactory.loadBlob reads any";
        for (byte[] bytes : List.of(state("3"), state("b"), attachment)) {
            ContentHash h = ContentHash.of(bytes);
            check(b.loadBlob(h).isEmpty(), "the store of session 'b' handed out blob " + h + " of session 's'", hint);
            checkBytes(bytes, a.loadBlob(h), "the store of session 's', its own blob", hint);
            checkBytes(bytes, factory().loadBlob(h), "SessionStoreFactory.loadBlob of a blob of session 's'", hint);
        }
        // b3 (slot plugin_state=b) and n5 (the attachment), tombstoned: still the session's until gc detaches them
        commit(a, RuntimeCommit.expecting(7).head("n2"));
        checkEquals(4, a.tombstoneNodes(List.of("b3", "n3")), "tombstoneNodes([b3, n3]): b3, n3, n4 and n5");
        checkBytes(state("b"), a.loadBlob(ContentHash.of(state("b"))), "a slot blob of the tombstoned (not detached) b3",
                hint);
        must("gcUnreachable", a::gcUnreachable);
        check(a.loadBlob(ContentHash.of(state("b"))).isEmpty(), "a slot blob of b3, which gc detached", hint);
        check(a.loadBlob(ref.hash()).isEmpty(), "the attachment of n5, which gc detached", hint);
        check(factory().loadBlob(ref.hash()).isEmpty(), "the attachment of the detached n5 survived gc", null);
        checkBytes(state("1"), a.loadBlob(ContentHash.of(state("1"))), "the slot blob of live n1 after gc", hint);
    }

    @Test
    void rule13_blobsOfAnIndependentLocationAreNotVisible() {
        checkpointed();
        SessionStoreFactory other = kit.independentFactory();
        RuntimePersistence o = other.createStore(dev.cairn.persistence.SessionStoreCreateRequest.of("o"));
        check(o.loadBlob(ContentHash.of(state("3"))).isEmpty(), "a factory on another, new location (a second"
                + " newFactory()) returned a blob of the first one", "that newFactory() makes a new, empty location");
    }

    @Test
    void rule13_corruptedBlobThrowsStoreCorrupted() {
        RuntimePersistence s = open("s");
        byte[] bytes = Fx.random(13, 4096);
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef ref = b.attach(bytes, "application/octet-stream");
        commit(s, b.append(Fx.root("r", ref)).head("r"));
        boolean corrupted = kit.corruptBlob(ref.hash());
        Assumptions.assumeTrue(corrupted, "rule 13: the kit subclass does not override corruptBlob(ContentHash), so the"
                + " kit cannot damage stored bytes to check that loadBlob throws StoreCorruptedException");
        checkThrows(StoreCorruptedException.class, () -> s.loadBlob(ref.hash()),
                "loadBlob of a blob whose stored bytes were damaged");
    }
}
