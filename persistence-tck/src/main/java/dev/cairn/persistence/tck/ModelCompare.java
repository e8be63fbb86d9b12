package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionCursor;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The state comparisons of a {@link ModelRun}: reads, nodes, catalogue and blobs. */
final class ModelCompare {
    private final ModelRun run;

    ModelCompare(ModelRun run) {
        this.run = run;
    }

    /** The rule to name when the node lists of a read differ after the current operation. */
    /** The rule of a check of a read's nodes: which nodes a scope returns. */
    private int nodesRule() {
        return 9;
    }

    /** The rule of a check of a read's head. */
    private int headRule() {
        return 5;
    }

    /**
     * Compares a session through its writing handle or, half of the time, through a second handle
     * that only reads; a difference seen only through the second handle is a visibility failure.
     */
    void session(String sid, boolean allScopes) {
        RuntimePersistence writer = run.handles.get(sid);
        RuntimePersistence reader = run.readers.get(sid);
        if (writer == null || reader == null) {
            throw new IllegalStateException("kit bug: no store handle for session " + sid);
        }
        List<SessionReadScope> scopes = new ArrayList<>();
        scopes.add(SessionReadScope.fullGraphWithTombstones());
        if (allScopes) {
            scopes.add(SessionReadScope.activePath());
            scopes.add(SessionReadScope.fullGraph());
            scopes.add(SessionReadScope.activePathTail(1 + run.rnd.nextInt(3)));
            List<String> live = ReferenceModel.filter(run.model.nodeStates(sid), ModelSession.State.LIVE);
            if (!live.isEmpty()) {
                scopes.add(SessionReadScope.activePathTo(live.get(run.rnd.nextInt(live.size()))));
            }
        }
        List<String> ids = new ArrayList<>(run.model.nodeStates(sid).keySet());
        String probe = ids.isEmpty() || run.rnd.nextInt(5) == 0 ? "ghost" : ids.get(run.rnd.nextInt(ids.size()));
        if (run.rnd.nextBoolean()) {
            session(sid, scopes, probe, writer);
            return;
        }
        try {
            session(sid, scopes, probe, reader);
        } catch (AssertionError e) {
            session(sid, scopes, probe, writer);
            throw run.diverged(12, "a second store handle of " + sid + " (from openExisting) reads differently from the"
                    + " handle that wrote, which agrees with the model: " + e.getMessage());
        }
    }

    private void session(String sid, List<SessionReadScope> scopes, String probe, RuntimePersistence h) {
        for (SessionReadScope scope : scopes) {
            String what = "loadSession(" + scope + ") of " + sid;
            Race.Outcome<Optional<PersistedSessionRead>> p = run.provider(9, what, () -> h.loadSession(scope));
            Race.Outcome<Optional<PersistedSessionRead>> m = run.model(() -> run.model.loadSession(sid, scope));
            if (!run.agree(what, p, m, 0)) {
                continue;
            }
            if (p.value().isEmpty() || m.value().isEmpty()) {
                if (p.value().isPresent() != m.value().isPresent()) {
                    throw run.diverged(18, what + " is " + p.value()
                            + " but should be " + (m.value().isPresent() ? "present" : "empty"));
                }
                continue;
            }
            read(what, sid, scope, p.value().get(), m.value().get());
        }
        Map<String, ModelSession.State> states = run.model.nodeStates(sid);
        String what = "loadNode(" + probe + ") of " + sid;
        Race.Outcome<Optional<SessionNode>> p = run.provider(9, what, () -> h.loadNode(probe));
        Race.Outcome<Optional<SessionNode>> m = run.model(() -> run.model.loadNode(sid, probe));
        if (run.agree(what, p, m, 0) && p.value().isPresent() != m.value().isPresent()) {
            throw run.diverged(nodesRule(), what + " is " + p.value() + " but the node is "
                    + states.getOrDefault(probe, ModelSession.State.DETACHED) + (states.containsKey(probe) ? "" : " (unknown)"));
        }
        if (p.value() != null && p.value().isPresent() && m.value().isPresent()) {
            node(what, sid, p.value().get(), m.value().get());
        }
    }

    private void read(String what, String sid, SessionReadScope scope, PersistedSessionRead p, PersistedSessionRead m) {
        if (!p.meta().equals(m.meta())) {
            throw run.diverged(18, what + ": meta is " + p.meta() + ", expected "
                    + m.meta());
        }
        if (p.head().revision() != m.head().revision()) {
            throw run.diverged(2, what + ": revision is " + p.head().revision() + ", expected "
                    + m.head().revision());
        }
        if (!p.head().equals(m.head())) {
            throw run.diverged(headRule(), what + ": head is " + p.head() + ", expected " + m.head());
        }
        List<String> pi = Fx.ids(p.nodes());
        List<String> mi = Fx.ids(m.nodes());
        if (!pi.equals(mi)) {
            throw run.diverged(nodesRule(), what + ": nodes are " + pi + ", expected " + mi);
        }
        long lastSeq = 0;
        boolean commitOrder = scope instanceof SessionReadScope.FullGraph
                || scope instanceof SessionReadScope.FullGraphWithTombstones;
        for (int i = 0; i < pi.size(); i++) {
            SessionNode a = p.nodes().get(i);
            SessionNode b = m.nodes().get(i);
            node(what, sid, a, b);
            if (a.tombstoned() != b.tombstoned()) {
                throw run.diverged(15, what + ": node " + a.nodeId() + " has tombstoned=" + a.tombstoned());
            }
            if (commitOrder && a.seq() <= lastSeq) {
                throw run.diverged(10, what + ": seq " + a.seq() + " of " + a.nodeId() + " does not increase (previous "
                        + lastSeq + ")");
            }
            lastSeq = a.seq();
        }
        if (!p.checkpoint().equals(m.checkpoint())) {
            throw run.diverged(11, what + ": checkpoint is " + p.checkpoint().slots() + ", expected "
                    + m.checkpoint().slots());
        }
        if (!p.usage().total().equals(m.usage().total()) || !p.usage().byModel().equals(m.usage().byModel())) {
            throw run.diverged(14, what + ": usage total " + p.usage().total() + " by model " + p.usage().byModel()
                    + ", expected " + m.usage().total() + " by model " + m.usage().byModel());
        }
        if (!p.usage().turns().equals(m.usage().turns())) {
            throw run.diverged(14, what + ": usage turns are " + p.usage().turns() + ", expected " + m.usage().turns());
        }
    }

    private void node(String what, String sid, SessionNode a, SessionNode b) {
        String n = what + ": node " + a.nodeId();
        if (!a.parentNodeId().equals(b.parentNodeId())) {
            throw run.diverged(4, n + " has parent " + a.parentNodeId() + ", expected "
                    + b.parentNodeId());
        }
        if (!a.kind().equals(b.kind()) || !Arrays.equals(a.payload(), b.payload())
                || !a.payloadHash().equals(b.payloadHash())) {
            throw run.diverged(10, n + " has kind " + a.kind() + ", payload " + ContentHash.of(a.payload()) + " ("
                    + a.payloadSize() + " bytes), payloadHash " + a.payloadHash() + "; expected " + b.kind() + ", "
                    + b.payloadHash() + " (" + b.payloadSize() + " bytes)");
        }
        if (!a.attachments().equals(b.attachments())) {
            throw run.diverged(10, n + " has attachments " + a.attachments() + ", expected " + b.attachments());
        }
        if (!a.createdAt().equals(b.createdAt())) {
            throw run.diverged(10, n + " has createdAt " + a.createdAt() + ", expected " + b.createdAt()
                    + " (the committedAt of the commit that stored it)");
        }
        if (!run.model.seqLoose(sid) && a.seq() != b.seq()) {
            throw run.diverged(10, n + " has seq " + a.seq() + ", expected " + b.seq());
        }
    }

    void catalogue() {
        Race.Outcome<SessionPage> p = run.provider(19, "listSessions", () -> run.factory.listSessions(
                SessionQuery.all().withLimit(SessionQuery.MAX_LIMIT)));
        SessionPage m = run.model.listSessions(SessionQuery.all().withLimit(SessionQuery.MAX_LIMIT));
        if (!p.ok()) {
            throw run.diverged(19, "listSessions threw " + p.error(), p.error());
        }
        if (!p.value().sessions().equals(m.sessions())) {
            throw run.diverged(19, "listSessions lists " + ids(p.value().sessions()) + ", expected "
                    + ids(m.sessions()) + " (or the metadata differs: " + p.value().sessions() + " vs " + m.sessions() + ")");
        }
    }

    private static List<String> ids(List<SessionMeta> metas) {
        List<String> out = new ArrayList<>();
        metas.forEach(x -> out.add(x.sessionId()));
        return out;
    }

    /** A random query, paged through on both sides, compared page by page. */
    void listing() {
        SessionQuery q = SessionQuery.all().withLimit(1 + run.rnd.nextInt(4));
        if (run.rnd.nextInt(4) == 0) {
            q = q.withParent(ModelRun.IDS.get(run.rnd.nextInt(ModelRun.IDS.size())));
        }
        if (run.rnd.nextInt(4) == 0) {
            q = q.withAttribute("team", run.rnd.nextBoolean() ? "red" : "blue");
        }
        run.describe("listSessions(" + q + ") page by page");
        SessionQuery pq = q;
        SessionQuery mq = q;
        for (int page = 1; page < 100; page++) {
            SessionQuery fq = pq;
            Race.Outcome<SessionPage> p = run.provider(19, "listSessions", () -> run.factory.listSessions(fq));
            if (!p.ok()) {
                throw run.diverged(19, "listSessions(" + fq + ") threw " + p.error(), p.error());
            }
            SessionPage m = run.model.listSessions(mq);
            if (!p.value().sessions().equals(m.sessions())) {
                throw run.diverged(19, "page " + page + " lists " + ids(p.value().sessions()) + ", expected "
                        + ids(m.sessions()));
            }
            if (p.value().nextCursor().isPresent() != m.nextCursor().isPresent()) {
                throw run.diverged(19, "page " + page + " has nextCursor " + p.value().nextCursor() + ", expected "
                        + (m.nextCursor().isPresent() ? "one" : "none"));
            }
            if (m.nextCursor().isEmpty()) {
                return;
            }
            if (!SessionCursor.decode(p.value().nextCursor().get()).equals(SessionCursor.decode(m.nextCursor().get()))) {
                throw run.diverged(19, "page " + page + "'s nextCursor names " + SessionCursor.decode(
                        p.value().nextCursor().get()) + ", expected the last session of the page");
            }
            pq = pq.after(p.value().nextCursor().get());
            mq = mq.after(m.nextCursor().get());
        }
    }

    /**
     * Compares which blobs exist (through the factory) and which a session's store hands out (only
     * those its session references, rule 13), for the given hashes.
     */
    void blobs(List<ContentHash> hashes) {
        List<String> sessions = run.sortedSessions();
        if (sessions.isEmpty()) {
            return;
        }
        String sid = sessions.get(run.rnd.nextInt(sessions.size()));
        RuntimePersistence h = run.handles.get(sid);
        for (ContentHash hash : hashes) {
            Race.Outcome<Optional<byte[]>> f = run.provider(13, "SessionStoreFactory.loadBlob(" + hash + ")",
                    () -> run.factory.loadBlob(hash));
            Optional<byte[]> m = run.model.loadBlob(hash);
            if (compareBlob("SessionStoreFactory.loadBlob(" + hash + ")", hash, f, m)) {
                int rule = run.opRefused ? 1 : run.op == ModelRun.Op.DELETE ? 21 : run.op == ModelRun.Op.COMMIT ? 6 : 16;
                throw run.diverged(rule, "SessionStoreFactory.loadBlob(" + hash + ") is " + (f.value().isPresent()
                        ? "present" : "empty") + " but the blob should be " + (m.isPresent() ? "stored" : "gone")
                        + "; sessions referencing it: " + run.model.owners().getOrDefault(hash, java.util.Set.of()));
            }
            Race.Outcome<Optional<byte[]>> p = run.provider(13, "loadBlob(" + hash + ") of " + sid, () -> h.loadBlob(hash));
            Optional<byte[]> ms = run.model.loadBlob(sid, hash);
            if (compareBlob("loadBlob(" + hash + ") of " + sid, hash, p, ms)) {
                throw run.diverged(13, "loadBlob(" + hash + ") through the store of " + sid + " is "
                        + (p.value().isPresent() ? "present" : "empty") + " but should be " + (ms.isPresent()
                        ? "present" : "empty: the session references no such blob") + "; sessions referencing it: "
                        + run.model.owners().getOrDefault(hash, java.util.Set.of()));
            }
        }
    }

    /** @return true if one is present and the other empty; throws if the bytes differ or the call threw */
    private boolean compareBlob(String what, ContentHash hash, Race.Outcome<Optional<byte[]>> p, Optional<byte[]> m) {
        if (!p.ok()) {
            throw run.diverged(13, what + " threw " + p.error(), p.error());
        }
        if (p.value().isPresent() && m.isPresent() && !Arrays.equals(p.value().get(), m.get())) {
            throw run.diverged(13, what + " returned other bytes (" + ContentHash.of(p.value().get()) + ")");
        }
        return p.value().isPresent() != m.isPresent();
    }
}
