package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rules 4 (nodes), 5 (head) and 6 (attachments, checkpoints, usage): every bad commit fails with
 * {@code InvalidRequestException} and leaves the store exactly as it was.
 */
abstract class GraphRules extends KitRules {

    GraphRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /**
     * A session with the chain a1-a2-a3 (head a3), a side branch b1 under a1, a tombstoned node
     * "dead" under a1 and a stored attachment on a2.
     */
    private RuntimePersistence graph() {
        RuntimePersistence s = open("s");
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("a1")).head("a1"));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(1);
        BlobRef stored = b.attach(Fx.utf8("stored attachment"), "text/plain");
        commit(s, b.append(Fx.child("a2", "a1", stored)).append(Fx.child("a3", "a2")).head("a3"));
        commit(s, RuntimeCommit.expecting(2).append(Fx.child("b1", "a1")).append(Fx.child("dead", "a1")));
        checkEquals(1, s.tombstoneNodes(List.of("dead")), "tombstoneNodes([dead]) of a leaf");
        return s;
    }

    private void refused(RuntimePersistence s, RuntimeCommit bad, String what, String mustMention) {
        Snapshot before = snapshot(s);
        InvalidRequestException e = checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(bad), what);
        if (mustMention != null) {
            check(String.valueOf(e.getMessage()).contains(mustMention), "the InvalidRequestException for " + what
                    + " does not name '" + mustMention + "': " + e.getMessage(), "the exception's message");
        }
        checkUnchanged(before, snapshot(s), what);
    }

    @Test
    void rule04_duplicateOfAStoredNodeIsRefusedNamingTheId() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("fresh", "a3")).append(Fx.child("a2", "a3")).build(),
                "a commit appending 'a2' again", "a2");
        refused(s, RuntimeCommit.expecting(3).append(Fx.root("b1")).build(), "a commit appending 'b1' again as a root",
                "b1");
    }

    @Test
    void rule04_duplicateInsideOneCommitIsRefused() {
        RuntimePersistence s = graph();
        Snapshot before = snapshot(s);
        checkThrows(InvalidRequestException.class, () -> RuntimeCommit.expecting(3).append(Fx.child("x", "a3"))
                .append(Fx.child("x", "a3")), "appending node 'x' twice to one commit");
        checkUnchanged(before, snapshot(s), "a commit with a duplicate id");
    }

    @Test
    void rule04_duplicateOfATombstonedNodeIsRefused() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("dead", "a3")).build(),
                "a commit appending the tombstoned id 'dead' again", "dead");
    }

    @Test
    void rule04_duplicateOfADetachedNodeIsRefused() {
        RuntimePersistence s = graph();
        must("gcUnreachable", s::gcUnreachable);
        refused(s, RuntimeCommit.expecting(3).append(Fx.root("dead")).build(),
                "a commit appending the detached id 'dead' (tombstoned, then gc) again", "dead");
    }

    @Test
    void rule04_unknownParentIsRefused() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("x", "a3")).append(Fx.child("y", "nowhere")).head("y")
                .build(), "a commit whose node names the unknown parent 'nowhere'", null);
    }

    @Test
    void rule04_parentAppendedLaterInTheSameCommitIsRefused() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("y", "x")).append(Fx.child("x", "a3")).build(),
                "a commit whose node 'y' names parent 'x', appended after it", null);
    }

    @Test
    void rule04_tombstonedParentIsRefused() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("x", "dead")).build(),
                "a commit whose node names the tombstoned parent 'dead'", null);
    }

    @Test
    void rule04_detachedParentIsRefused() {
        RuntimePersistence s = graph();
        must("gcUnreachable", s::gcUnreachable);
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("x", "dead")).build(),
                "a commit whose node names the detached parent 'dead'", null);
    }

    @Test
    void rule04_parentAppendedEarlierInTheSameCommitAndSeveralRootsAreAccepted() {
        RuntimePersistence s = graph();
        commit(s, RuntimeCommit.expecting(3).append(Fx.root("root2")).append(Fx.child("c1", "root2"))
                .append(Fx.child("c2", "c1")).head("c2"));
        checkEquals(List.of("root2", "c1", "c2"), ids(s, SessionReadScope.activePath()),
                "active path of a second root with two children appended in one commit");
        List<String> all = ids(s, SessionReadScope.fullGraph());
        check(all.contains("a1") && all.contains("root2"), "both roots must stay in fullGraph: " + all);
    }

    @Test
    void rule05_headOnAnUnknownNodeIsRefused() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).head("nowhere").build(), "a commit moving the head to 'nowhere'", null);
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("x", "a3")).head("nowhere").build(),
                "a commit appending 'x' and moving the head to 'nowhere'", null);
    }

    @Test
    void rule05_headOnATombstonedNodeIsRefused() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).head("dead").build(), "a commit moving the head to tombstoned 'dead'",
                null);
    }

    @Test
    void rule05_headOnADetachedNodeIsRefused() {
        RuntimePersistence s = graph();
        must("gcUnreachable", s::gcUnreachable);
        refused(s, RuntimeCommit.expecting(3).head("dead").build(), "a commit moving the head to detached 'dead'", null);
    }

    @Test
    void rule05_commitWithoutHeadKeepsTheHeadAlsoWhenAppending() {
        RuntimePersistence s = graph();
        RuntimeCommitResult r = commit(s, RuntimeCommit.expecting(3).append(Fx.child("x", "a3"))
                .append(Fx.child("y", "x")));
        checkEquals(Optional.of("a3"), r.head(), "head returned by a commit that appends without a head");
        PersistedSessionRead read = read(s);
        checkEquals(Optional.of("a3"), read.head().nodeId(), "head read after a commit that appends without a head");
        checkEquals(List.of("a1", "a2", "a3"), Fx.ids(read.nodes()), "active path after appending without a head");
        check(s.loadNode("y").isPresent(), "node 'y' appended without a head is not stored");
    }

    @Test
    void rule05_headMovesToAnyLiveNodeWithoutNewNodes() {
        RuntimePersistence s = graph();
        checkEquals(Optional.of("a1"), commit(s, RuntimeCommit.expecting(3).head("a1")).head(), "head after a rewind");
        checkEquals(List.of("a1"), ids(s, SessionReadScope.activePath()), "active path after rewinding to a1");
        commit(s, RuntimeCommit.expecting(4).head("b1"));
        checkEquals(List.of("a1", "b1"), ids(s, SessionReadScope.activePath()), "active path after switching to b1");
        commit(s, RuntimeCommit.expecting(5).head("a3"));
        checkEquals(List.of("a1", "a2", "a3"), ids(s, SessionReadScope.activePath()), "active path after returning");
        commit(s, RuntimeCommit.expecting(6).head("a3"));
        checkEquals(7L, revision(s), "revision after a commit that names the current head");
    }

    @Test
    void rule05_headOnANodeOfTheSameCommit() {
        RuntimePersistence s = graph();
        commit(s, RuntimeCommit.expecting(3).append(Fx.child("x", "b1")).append(Fx.child("y", "x")).head("x"));
        checkEquals(List.of("a1", "b1", "x"), ids(s, SessionReadScope.activePath()),
                "active path with the head on the first of two appended nodes");
    }

    @Test
    void rule06_unknownBlobReferenceIsRefused() {
        RuntimePersistence s = graph();
        byte[] never = Fx.utf8("never stored");
        BlobRef ref = BlobRef.of(never, "text/plain");
        Snapshot before = snapshot(s, ref.hash());
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(3)
                .append(Fx.child("x", "a3", ref)).head("x").build()), "a node referencing a blob nobody stored");
        checkUnchanged(before, snapshot(s, ref.hash()), "a commit referencing an unknown blob");
    }

    @Test
    void rule06_blobReferenceWithTheWrongSizeIsRefused() {
        RuntimePersistence s = graph();
        byte[] stored = Fx.utf8("stored attachment");
        BlobRef wrong = new BlobRef(ContentHash.of(stored), stored.length + 1L, "text/plain");
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("x", "a3", wrong)).build(),
                "a node referencing a stored blob with a wrong size", null);
        RuntimeCommit.Builder b = RuntimeCommit.expecting(3);
        BlobRef carried = b.attach(Fx.utf8("carried"), "text/plain");
        BlobRef carriedWrong = new BlobRef(carried.hash(), carried.size() - 1, "text/plain");
        refused(s, b.append(Fx.child("x", "a3", carried)).append(Fx.child("y", "a3", carriedWrong)).build(),
                "a node referencing a carried blob with a wrong size", null);
    }

    @Test
    void rule06_aBlobTheSessionReferencesMayBeReferencedWithoutCarryingIt() {
        RuntimePersistence s = graph();
        byte[] stored = Fx.utf8("stored attachment");
        BlobRef ref = BlobRef.of(stored, "application/json");
        commit(s, RuntimeCommit.expecting(3).append(Fx.child("x", "a3", ref)).head("x"));
        checkEquals(List.of(ref), s.loadNode("x").orElseThrow().attachments(), "attachments of 'x'");
        checkBytes(stored, s.loadBlob(ref.hash()), "loadBlob of the blob of a2 and x", null);
    }

    @Test
    void rule06_anotherSessionsBlobMustBeCarriedNotNamed() {
        RuntimePersistence s = graph();
        byte[] stored = Fx.utf8("stored attachment");
        BlobRef ref = BlobRef.of(stored, "text/plain");
        RuntimePersistence other = open("other");
        for (BlobRef named : List.of(ref, new BlobRef(ref.hash(), ref.size() + 1, "text/plain"))) {
            Snapshot before = snapshot(other, ref.hash());
            InvalidRequestException e = checkThrows(InvalidRequestException.class, () -> other.commitRuntimeState(
                    RuntimeCommit.expecting(0).append(Fx.root("o", named)).head("o").build()), "a commit of session"
                    + " 'other' naming, without its bytes, a blob only session 's' references (size " + named.size()
                    + ")", "that a commit may name without its bytes only a blob its own session references (rule 6),"
                    + " so a tenant cannot take another's data by its hash");
            check(!String.valueOf(e.getMessage()).contains(" " + stored.length + " bytes"), "the refusal tells the"
                    + " size of another session's blob: " + e.getMessage(), "the exception's message");
            checkUnchanged(before, snapshot(other, ref.hash()), "a commit naming another session's blob");
        }
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef carried = b.attach(stored, "text/plain");
        commit(other, b.append(Fx.root("o", carried)).head("o"));
        checkBytes(stored, other.loadBlob(ref.hash()), "the same bytes carried by session 'other'", null);
        checkBytes(stored, s.loadBlob(ref.hash()), "session 's' after 'other' stored the same bytes (stored once)",
                null);
    }

    @Test
    void rule06_checkpointWithoutAHeadIsRefused() {
        RuntimePersistence s = open("s");
        Snapshot before = snapshot(s);
        InvalidRequestException e = checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(
                RuntimeCommit.expecting(0).append(Fx.root("r")).checkpoint("tool_state", Fx.utf8("x")).build()),
                "a checkpoint in a commit that leaves the session without a head");
        check(String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("head"),
                "the message should say that a checkpoint needs a head: " + e.getMessage(), "the exception's message");
        checkUnchanged(before, snapshot(s, ContentHash.of(Fx.utf8("x"))), "a checkpoint without a head");
    }

    @Test
    void rule06_checkpointIsCommittedAtTheNewHead() {
        RuntimePersistence s = graph();
        RuntimeCommitResult r = commit(s, RuntimeCommit.expecting(3).append(Fx.child("x", "a3")).head("x")
                .checkpoint("tool_state", Fx.utf8("at x")));
        checkEquals("x", r.checkpoint().slot("tool_state").map(c -> c.nodeId()).orElse(null),
                "node of a slot committed together with a head move to 'x'");
        commit(s, RuntimeCommit.expecting(4).checkpoint("plugin_state", Fx.utf8("at x too")));
        checkEquals("x", read(s).checkpoint().slot("plugin_state").map(c -> c.nodeId()).orElse(null),
                "node of a slot committed without a head move (head is 'x')");
    }

    @Test
    void rule06_usageForAnUnknownNodeIsRefused() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).append(Fx.child("x", "a3")).usage("nowhere", "m", TokenUsage.of(1, 1))
                .build(), "usage for the unknown node 'nowhere'", null);
    }

    @Test
    void rule06_usageForATombstonedNodeIsRefused() {
        RuntimePersistence s = graph();
        refused(s, RuntimeCommit.expecting(3).usage("dead", "m", TokenUsage.of(1, 1)).build(),
                "usage for the tombstoned node 'dead'", null);
    }

    @Test
    void rule06_usageForANodeOfTheSameCommitIsAccepted() {
        RuntimePersistence s = graph();
        commit(s, RuntimeCommit.expecting(3).append(NewNode.child("x", "a3", NodeKind.TOOL_CALL, Fx.utf8("{}")))
                .usage("x", "m", TokenUsage.of(2, 3)).usage("b1", "m", TokenUsage.of(1, 1)));
        checkEquals(TokenUsage.of(3, 4), read(s).usage().total(), "usage total after records for a new and a stored node");
    }
}
