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
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rules 9 (read scopes) and 10 (payloads, hashes, seq, createdAt). */
abstract class ReadScopeRules extends KitRules {

    ReadScopeRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /**
     * r - a - b - c (head)        commit order: r, a, x, b, y, c, z
     *      \- x - y
     * z (second root)
     */
    private RuntimePersistence tree() {
        RuntimePersistence s = open("s");
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).append(Fx.child("a", "r")).append(Fx.child("x", "a")));
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("b", "a")).append(Fx.child("y", "x")));
        commit(s, RuntimeCommit.expecting(2).append(Fx.child("c", "b")).append(Fx.root("z")).head("c"));
        return s;
    }

    @Test
    void rule09_activePathListsTheNodesFromARootToTheHead() {
        RuntimePersistence s = tree();
        checkEquals(List.of("r", "a", "b", "c"), ids(s, SessionReadScope.activePath()), "activePath with head c");
        commit(s, RuntimeCommit.expecting(3).head("y"));
        checkEquals(List.of("r", "a", "x", "y"), ids(s, SessionReadScope.activePath()), "activePath with head y");
        commit(s, RuntimeCommit.expecting(4).head("z"));
        checkEquals(List.of("z"), ids(s, SessionReadScope.activePath()), "activePath with head on the root z");
    }

    @Test
    void rule09_activePathIsEmptyWithoutAHead() {
        RuntimePersistence s = open("s");
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).append(Fx.child("a", "r")));
        PersistedSessionRead r = read(s);
        check(r.nodes().isEmpty(), "activePath of a session without a head has nodes: " + Fx.ids(r.nodes()));
        checkEquals(List.of("r", "a"), ids(s, SessionReadScope.fullGraph()), "fullGraph of a session without a head");
        checkEquals(List.of("r", "a"), ids(s, SessionReadScope.activePathTo("a")), "activePathTo(a) without a head");
    }

    @Test
    void rule09_activePathToListsTheNodesFromARootToTheLeaf() {
        RuntimePersistence s = tree();
        checkEquals(List.of("r", "a", "x", "y"), ids(s, SessionReadScope.activePathTo("y")), "activePathTo(y)");
        checkEquals(List.of("r", "a", "x"), ids(s, SessionReadScope.activePathTo("x")), "activePathTo(x)");
        checkEquals(List.of("r"), ids(s, SessionReadScope.activePathTo("r")), "activePathTo(r)");
        checkEquals(Optional.of("c"), read(s, SessionReadScope.activePathTo("y")).head().nodeId(),
                "head of an activePathTo(y) read (the session's head, not the leaf)");
    }

    @Test
    void rule09_activePathToAnUnknownTombstonedOrDetachedLeafIsRefused() {
        RuntimePersistence s = tree();
        checkThrows(InvalidRequestException.class, () -> s.loadSession(SessionReadScope.activePathTo("nowhere")),
                "activePathTo an unknown node");
        checkEquals(2, s.tombstoneNodes(List.of("x")), "tombstoneNodes([x]) with child y");
        checkThrows(InvalidRequestException.class, () -> s.loadSession(SessionReadScope.activePathTo("y")),
                "activePathTo a tombstoned node");
        must("gcUnreachable", s::gcUnreachable);
        checkThrows(InvalidRequestException.class, () -> s.loadSession(SessionReadScope.activePathTo("x")),
                "activePathTo a detached node");
    }

    @Test
    void rule09_activePathTailListsTheLastNNodesRootMostFirst() {
        RuntimePersistence s = tree();
        checkEquals(List.of("c"), ids(s, SessionReadScope.activePathTail(1)), "activePathTail(1)");
        checkEquals(List.of("a", "b", "c"), ids(s, SessionReadScope.activePathTail(3)), "activePathTail(3)");
        checkEquals(List.of("r", "a", "b", "c"), ids(s, SessionReadScope.activePathTail(4)), "activePathTail(4)");
        checkEquals(List.of("r", "a", "b", "c"), ids(s, SessionReadScope.activePathTail(50)), "activePathTail(50)");
        checkEquals(List.of(), ids(open("empty"), SessionReadScope.activePathTail(3)), "activePathTail(3) with no head");
    }

    @Test
    void rule09_fullGraphListsEveryLiveNodeInCommitOrder() {
        RuntimePersistence s = tree();
        PersistedSessionRead r = read(s, SessionReadScope.fullGraph());
        checkEquals(List.of("r", "a", "x", "b", "y", "c", "z"), Fx.ids(r.nodes()), "fullGraph in commit order");
        checkEquals(2, s.tombstoneNodes(List.of("x")), "tombstoneNodes([x]) with child y");
        checkEquals(List.of("r", "a", "b", "c", "z"), ids(s, SessionReadScope.fullGraph()),
                "fullGraph after tombstoning x and y");
        checkEquals(Optional.of("c"), r.head().nodeId(), "head of a fullGraph read");
    }

    @Test
    void rule09_fullGraphWithTombstonesMarksTombstonedNodesAndDropsDetachedOnes() {
        RuntimePersistence s = tree();
        s.tombstoneNodes(List.of("x"));
        List<String> marked = new ArrayList<>();
        PersistedSessionRead r = read(s, SessionReadScope.fullGraphWithTombstones());
        for (SessionNode n : r.nodes()) {
            if (n.tombstoned()) {
                marked.add(n.nodeId());
            }
        }
        checkEquals(List.of("r", "a", "x", "b", "y", "c", "z"), Fx.ids(r.nodes()), "fullGraphWithTombstones");
        checkEquals(List.of("x", "y"), marked, "nodes marked tombstoned");
        check(read(s, SessionReadScope.fullGraph()).nodes().stream().noneMatch(SessionNode::tombstoned),
                "fullGraph returned a node marked tombstoned");
        must("gcUnreachable", s::gcUnreachable);
        checkEquals(List.of("r", "a", "b", "c", "z"), ids(s, SessionReadScope.fullGraphWithTombstones()),
                "fullGraphWithTombstones after gc detached x and y");
    }

    @Test
    void rule09_loadNodeReturnsLiveNodesOnly() {
        RuntimePersistence s = tree();
        checkEquals("y", s.loadNode("y").map(SessionNode::nodeId).orElse(null), "loadNode(y)");
        check(s.loadNode("nowhere").isEmpty(), "loadNode of an unknown id returned a node");
        s.tombstoneNodes(List.of("y"));
        check(s.loadNode("y").isEmpty(), "loadNode of a tombstoned node returned it");
        must("gcUnreachable", s::gcUnreachable);
        check(s.loadNode("y").isEmpty(), "loadNode of a detached node returned it");
    }

    @Test
    void rule10_payloadBytesComeBackExactly() {
        RuntimePersistence s = open("s");
        List<byte[]> payloads = List.of(new byte[0], Fx.everyByte(), new byte[64 * 1024], Fx.random(42, 300_000),
                Fx.utf8("{\"text\":\"h\u00e9llo \u2603 \uD83D\uDE00\"}"));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        String parent = null;
        for (int i = 0; i < payloads.size(); i++) {
            String id = "p" + i;
            b.append(NewNode.of(id, Optional.ofNullable(parent), NodeKind.TOOL_RESULT, payloads.get(i)));
            parent = id;
        }
        commit(s, b.head(parent));
        for (SessionReadScope scope : List.of(SessionReadScope.activePath(), SessionReadScope.fullGraph(),
                SessionReadScope.fullGraphWithTombstones())) {
            List<SessionNode> nodes = read(s, scope).nodes();
            checkEquals(payloads.size(), nodes.size(), "nodes of " + scope);
            for (int i = 0; i < payloads.size(); i++) {
                checkBytes(payloads.get(i), nodes.get(i).payload(), "payload of p" + i + " read with " + scope, null);
            }
        }
        for (int i = 0; i < payloads.size(); i++) {
            checkBytes(payloads.get(i), s.loadNode("p" + i).map(SessionNode::payload), "payload of loadNode(p" + i + ")",
                    null);
        }
    }

    @Test
    void rule10_payloadHashIsTheSha256OfThePayload() {
        RuntimePersistence s = tree();
        for (SessionNode n : read(s, SessionReadScope.fullGraph()).nodes()) {
            checkEquals(ContentHash.of(n.payload()), n.payloadHash(), "payloadHash of " + n.nodeId());
            checkEquals(ContentHash.of(Fx.payloadOf(n.nodeId())), n.payloadHash(), "payloadHash of " + n.nodeId()
                    + " against the committed payload");
        }
    }

    @Test
    void rule10_seqCountsFromOneInCommitOrder() {
        RuntimePersistence s = tree();
        try {
            s.commitRuntimeState(RuntimeCommit.expecting(3).append(Fx.child("bad", "nowhere")).build());
        } catch (InvalidRequestException expected) {
            // a failed commit must not use up a seq number
        }
        commit(s, RuntimeCommit.expecting(3).append(Fx.child("d", "c")));
        List<Long> seqs = new ArrayList<>();
        for (SessionNode n : read(s, SessionReadScope.fullGraph()).nodes()) {
            seqs.add(n.seq());
        }
        checkEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), seqs,
                "seq of r, a, x, b, y, c, z, d (no vacuum ran, so no gaps)");
    }

    @Test
    void rule10_createdAtIsTheCommitTimeOfTheNode() throws InterruptedException {
        RuntimePersistence s = open("s");
        RuntimeCommitResult first = commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).append(Fx.child("a", "r"))
                .head("a"));
        Thread.sleep(3);
        RuntimeCommitResult second = commit(s, RuntimeCommit.expecting(1).append(Fx.child("b", "a")).head("b"));
        for (SessionReadScope scope : List.of(SessionReadScope.activePath(), SessionReadScope.fullGraph())) {
            List<SessionNode> nodes = read(s, scope).nodes();
            checkEquals(first.committedAt(), nth(nodes, 0, "nodes of " + scope).createdAt(), "createdAt of r (" + scope + ")");
            checkEquals(first.committedAt(), nth(nodes, 1, "nodes of " + scope).createdAt(), "createdAt of a (" + scope + ")");
            checkEquals(second.committedAt(), nodes.get(2).createdAt(), "createdAt of b (" + scope + ")");
        }
        checkEquals(second.committedAt(), s.loadNode("b").orElseThrow().createdAt(), "createdAt of loadNode(b)");
        check(second.committedAt().isAfter(first.committedAt()), "committedAt did not advance between commits 3 ms apart: "
                + first.committedAt() + " then " + second.committedAt(), "the clock precision (at least microseconds)");
    }

    @Test
    void rule10_timesKeepAtLeastMicrosecondPrecision() {
        boolean fineClock = false;
        for (int i = 0; i < 200 && !fineClock; i++) {
            fineClock = java.time.Instant.now().getNano() % 1_000_000 != 0;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(fineClock, "rule 10: this JVM's clock ticks in whole"
                + " milliseconds, so sub-millisecond precision cannot be observed");
        RuntimePersistence s = open("s");
        boolean fine = false;
        String parent = null;
        for (int i = 1; i <= 40 && !fine; i++) {
            String id = "t" + i;
            RuntimeCommitResult r = commit(s, RuntimeCommit.expecting(i - 1)
                    .append(parent == null ? Fx.root(id) : Fx.child(id, parent)).head(id));
            checkEquals(r.committedAt(), s.loadNode(id).orElseThrow().createdAt(), "createdAt of " + id
                    + " (the exact instant the commit returned as committedAt)");
            fine = r.committedAt().getNano() % 1_000_000 != 0;
            parent = id;
        }
        check(fine, "40 commits all have committedAt on a whole millisecond: the provider keeps less than"
                + " microsecond precision", "how the provider stores and returns times (at least microseconds)");
    }

    @Test
    void rule10_kindsParentsAndAttachmentsComeBackAsCommitted() {
        RuntimePersistence s = open("s");
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef png = b.attach(Fx.random(1, 100), "image/png");
        BlobRef txt = b.attach(Fx.utf8("notes"), "text/plain; charset=utf-8");
        List<NodeKind> kinds = List.of(NodeKind.USER_INPUT, NodeKind.ASSISTANT_RESPONSE, NodeKind.TOOL_CALL,
                NodeKind.TOOL_RESULT, NodeKind.MODE_EVENT, NodeKind.PROMPT_SNAPSHOT, NodeKind.ERROR, Fx.CUSTOM);
        String parent = null;
        for (int i = 0; i < kinds.size(); i++) {
            String id = "k" + i;
            BlobRef[] refs = i == 2 ? new BlobRef[] {txt, png} : new BlobRef[0];
            b.append(NewNode.of(id, Optional.ofNullable(parent), kinds.get(i), Fx.payloadOf(id), refs));
            parent = id;
        }
        commit(s, b.head(parent));
        List<SessionNode> nodes = read(s).nodes();
        for (int i = 0; i < kinds.size(); i++) {
            SessionNode n = nodes.get(i);
            checkEquals(kinds.get(i), n.kind(), "kind of " + n.nodeId());
            checkEquals(i == 0 ? Optional.empty() : Optional.of("k" + (i - 1)), n.parentNodeId(), "parent of " + n.nodeId());
            checkEquals(i == 2 ? List.of(txt, png) : List.of(), n.attachments(), "attachments of " + n.nodeId());
        }
    }
}
