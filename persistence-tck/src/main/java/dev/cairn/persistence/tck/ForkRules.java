package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rule 20: forks. */
abstract class ForkRules extends KitRules {
    private static final byte[] PNG = Fx.random(20, 2048);

    ForkRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /**
     * r [tool=r] - a [attach PNG] - b [tool=b, prompt=b] - c (head)
     *               \- x [tool=x]
     * usage on a and c.
     */
    private RuntimePersistence source() {
        RuntimePersistence s = factory().createStore(SessionStoreCreateRequest.of("src").withName("the source")
                .withModel("model-a").withCwd("/w").withAttributes(Map.of("team", "red")));
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).head("r").checkpoint("tool_state", Fx.utf8("tool@r")));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(1);
        BlobRef png = b.attach(PNG, "image/png");
        commit(s, b.append(NewNode.child("a", "r", NodeKind.TOOL_RESULT, Fx.payloadOf("a"), png)).head("a")
                .usage("a", "m", TokenUsage.of(10, 1)));
        commit(s, RuntimeCommit.expecting(2).append(Fx.child("x", "a")).head("x").checkpoint("tool_state", Fx.utf8("tool@x")));
        commit(s, RuntimeCommit.expecting(3).append(Fx.child("b", "a")).head("b").checkpoint("tool_state", Fx.utf8("tool@b"))
                .checkpoint("prompt", Fx.utf8("prompt@b")));
        commit(s, RuntimeCommit.expecting(4).append(Fx.child("c", "b")).head("c").usage("c", "m", TokenUsage.of(20, 2)));
        return s;
    }

    private RuntimePersistence fork(String at, String newId) {
        return must("forkSession(src, " + at + ", " + newId + ")", () -> factory().forkSession(ForkRequest.of("src", at, newId)));
    }

    @Test
    void rule20_aForkCarriesNoIdempotencyKeys() {
        RuntimePersistence s = factory().createStore(SessionStoreCreateRequest.of("src"));
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).head("r").idempotencyKey("step-1"));
        RuntimePersistence f = fork("r", "f");
        RuntimeCommitResult r = commit(f, RuntimeCommit.expecting(0).append(Fx.child("n", "r")).head("n").idempotencyKey("step-1"));
        check(!r.replayed(), "a commit in the fork with key step-1, used only in the source, was replayed",
                "that forkSession does not copy the source's idempotency keys: a fork starts with none");
        checkEquals(1L, r.revision(), "the fork's revision after its first commit");
        checkEquals(List.of("r", "n"), ids(f, SessionReadScope.activePath()), "the fork's active path");
    }

    @Test
    void rule20_forkCopiesTheActivePathToTheForkNode() {
        RuntimePersistence s = source();
        RuntimePersistence f = fork("b", "f");
        List<SessionNode> src = read(s, SessionReadScope.activePathTo("b")).nodes();
        List<SessionNode> copy = read(f).nodes();
        checkEquals(List.of("r", "a", "b"), Fx.ids(copy), "active path of a fork at b");
        checkEquals(List.of("r", "a", "b"), ids(f, SessionReadScope.fullGraphWithTombstones()),
                "every node of a fork at b (x and c are not on its path)");
        checkEquals(List.of("r", "a", "b"), Fx.ids(src), "the source's activePathTo(b) after forking it",
                "that a fork reads its source without changing it");
        for (int i = 0; i < src.size(); i++) {
            SessionNode a = src.get(i);
            SessionNode b = nth(copy, i, "the fork's active path");
            checkEquals(a.parentNodeId(), b.parentNodeId(), "parent of " + a.nodeId() + " in the fork");
            checkEquals(a.kind(), b.kind(), "kind of " + a.nodeId() + " in the fork");
            checkBytes(a.payload(), b.payload(), "payload of " + a.nodeId() + " in the fork", null);
            checkEquals(a.payloadHash(), b.payloadHash(), "payloadHash of " + a.nodeId() + " in the fork");
            checkEquals(a.attachments(), b.attachments(), "attachments of " + a.nodeId() + " in the fork");
            checkEquals(a.createdAt(), b.createdAt(), "createdAt of " + a.nodeId() + " in the fork");
            checkEquals((long) i + 1, b.seq(), "seq of " + a.nodeId() + " in the fork (a fork numbers its path 1..k)");
            check(!b.tombstoned(), "a copied node is tombstoned");
        }
    }

    @Test
    void rule20_forkHasTheSourceMetadataANewCreationTimeAndTheSourceAsParent() throws InterruptedException {
        RuntimePersistence s = source();
        Thread.sleep(5);
        RuntimePersistence f = fork("a", "f");
        SessionMeta sm = s.loadSessionMeta().orElseThrow();
        SessionMeta fm = f.loadSessionMeta().orElseThrow(() -> failure("a fork has no metadata", null));
        checkEquals("f", fm.sessionId(), "sessionId of the fork");
        checkEquals(Optional.of("src"), fm.parentSessionId(), "parentSessionId of the fork");
        checkEquals(sm.name(), fm.name(), "name of the fork");
        checkEquals(sm.model(), fm.model(), "model of the fork");
        checkEquals(sm.cwd(), fm.cwd(), "cwd of the fork");
        checkEquals(sm.attributes(), fm.attributes(), "attributes of the fork");
        check(fm.createdAt().isAfter(sm.createdAt()), "the fork's createdAt " + fm.createdAt()
                + " is not after the source's " + sm.createdAt() + " (it was forked 5 ms later)");
        checkEquals(List.of("f"), listChildren("src"), "listSessions(parent=src) after forking src");
    }

    private List<String> listChildren(String parent) {
        List<String> out = new ArrayList<>();
        factory().listSessions(SessionQuery.all().withParent(parent)).sessions().forEach(m -> out.add(m.sessionId()));
        return out;
    }

    @Test
    void rule20_forkStartsAtRevisionZeroWithHeadOnTheForkNodeAndAnEmptyLedger() {
        source();
        PersistedSessionRead r = read(fork("c", "f"));
        checkEquals(0L, r.head().revision(), "revision of the fork");
        checkEquals(Optional.of("c"), r.head().nodeId(), "head of the fork");
        checkEquals(TokenUsage.ZERO, r.usage().total(), "usage total of the fork");
        checkEquals(List.of(), r.usage().turns(), "usage turns of the fork");
        checkEquals(Map.of(), r.usage().byModel(), "usage byModel of the fork");
    }

    @Test
    void rule20_forkResolvesTheSameCheckpointsAsTheSource() {
        RuntimePersistence s = source();
        RuntimePersistence f = fork("c", "f");
        for (String node : List.of("r", "a", "b", "c")) {
            checkEquals(read(s, SessionReadScope.activePathTo(node)).checkpoint(),
                    read(f, SessionReadScope.activePathTo(node)).checkpoint(), "checkpoint at " + node + " in the fork");
        }
        RuntimePersistence g = fork("x", "g");
        checkEquals(read(s, SessionReadScope.activePathTo("x")).checkpoint(), read(g).checkpoint(),
                "checkpoint of a fork at x");
    }

    @Test
    void rule20_forkSharesBlobsAndKeepsThemWhenTheSourceIsDeleted() {
        source();
        RuntimePersistence f = fork("b", "f");
        BlobRef png = f.loadNode("a").orElseThrow().attachments().get(0);
        checkBytes(PNG, f.loadBlob(png.hash()), "the fork's attachment", null);
        check(factory().deleteSession("src"), "deleteSession(src) returned false");
        checkBytes(PNG, f.loadBlob(png.hash()), "the fork's attachment after its source was deleted",
                "that deleteSession keeps blobs other sessions reference (rule 21)");
        var slot = read(f).checkpoint().slot("prompt").orElseThrow();
        checkBytes(Fx.utf8("prompt@b"), f.loadBlob(slot.blob().hash()), "the fork's slot after its source was deleted", null);
    }

    @Test
    void rule20_neitherSessionSeesTheOthersLaterCommits() {
        RuntimePersistence s = source();
        RuntimePersistence f = fork("b", "f");
        commit(f, RuntimeCommit.expecting(0).append(NewNode.child("n", "b", NodeKind.USER_INPUT, Fx.utf8("fork")))
                .head("n").checkpoint("prompt", Fx.utf8("fork prompt")).usage("n", "m", TokenUsage.of(1, 1)));
        commit(s, RuntimeCommit.expecting(5).append(NewNode.child("n", "c", NodeKind.USER_INPUT, Fx.utf8("source")))
                .head("n"));
        checkEquals(List.of("r", "a", "b", "n"), ids(f, SessionReadScope.activePath()), "the fork's path");
        checkEquals(List.of("r", "a", "b", "c", "n"), ids(s, SessionReadScope.activePath()), "the source's path");
        checkEquals("fork", Fx.text(f.loadNode("n").orElseThrow().payload()), "payload of n in the fork");
        checkEquals("source", Fx.text(s.loadNode("n").orElseThrow().payload()), "payload of n in the source");
        checkEquals(TokenUsage.of(30, 3), read(s).usage().total(), "the source's usage after the fork's commit");
        checkEquals(Fx.utf8("prompt@b").length, (int) read(s).checkpoint().slot("prompt").orElseThrow().blob().size(),
                "the source's prompt slot after the fork committed its own");
    }

    @Test
    void rule20_badForksAreRefusedAndChangeNothing() {
        RuntimePersistence s = source();
        open("taken");
        s.tombstoneNodes(List.of("x"));
        Snapshot before = snapshot(s);
        checkThrows(SessionNotFoundException.class, () -> factory().forkSession(ForkRequest.of("nobody", "a", "f")),
                "forkSession of a missing source");
        checkThrows(InvalidRequestException.class, () -> factory().forkSession(ForkRequest.of("src", "nowhere", "f")),
                "forkSession at an unknown node");
        checkThrows(InvalidRequestException.class, () -> factory().forkSession(ForkRequest.of("src", "x", "f")),
                "forkSession at a tombstoned node");
        checkThrows(InvalidRequestException.class, () -> factory().forkSession(ForkRequest.of("src", "a", "taken")),
                "forkSession to an existing session id");
        checkUnchanged(before, snapshot(s), "refused forks");
        check(factory().openExisting("f").isEmpty(), "a refused fork left session 'f'");
        checkEquals(List.of(), ids(factory().openExisting("taken").orElseThrow(), SessionReadScope.fullGraph()),
                "session 'taken' after a fork to its id was refused");
    }
}
