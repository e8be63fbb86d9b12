package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewBlob;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.SessionCursor;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.UsageEntry;
import dev.cairn.persistence.UsageLedger;
import dev.cairn.persistence.UsageRecord;
import dev.cairn.persistence.VacuumReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kit's reference model of one storage location: every rule of {@code docs/SPEC.md} written as
 * plainly as possible, with no concurrency, no persistence and no performance. The model-based test
 * runs the same operations against a provider and this model and compares them after every step.
 *
 * <p>Operations take the time to record ({@code now}) so that the model can use the provider's
 * clock. Refusals throw the exceptions the spec names; {@link #lastRule()} tells which rule refused.
 * Not thread-safe.
 */
final class ReferenceModel {
    private final Map<String, ModelSession> sessions = new HashMap<>();
    private final Map<ContentHash, byte[]> blobs = new HashMap<>();
    private int lastRule;
    /** Sessions made so far: numbers each session, so a session made again with a deleted one's id is another. */
    private long made;

    /** @return the rule behind the last refusal */
    int lastRule() {
        return lastRule;
    }

    private InvalidRequestException refuse(int rule, String message) {
        lastRule = rule;
        return new InvalidRequestException(message);
    }

    private ModelSession session(String id) {
        ModelSession s = sessions.get(id);
        if (s == null) {
            lastRule = 21;
            throw new SessionNotFoundException(id);
        }
        return s;
    }

    /**
     * @param sessionId a session id
     * @return the number of the session of that id now (rule 21: a store handle keeps the session it
     *     was opened on), or 0 if there is none
     */
    long incarnation(String sessionId) {
        ModelSession s = sessions.get(sessionId);
        return s == null ? 0 : s.incarnation;
    }

    boolean exists(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    Set<String> sessionIds() {
        return Set.copyOf(sessions.keySet());
    }

    /** @return every node id of the session that is not vacuumed, with its state */
    Map<String, ModelSession.State> nodeStates(String sessionId) {
        Map<String, ModelSession.State> out = new java.util.LinkedHashMap<>();
        ModelSession s = sessions.get(sessionId);
        if (s != null) {
            s.nodes.forEach((id, n) -> out.put(id, n.state));
        }
        return out;
    }

    Optional<String> head(String sessionId) {
        ModelSession s = sessions.get(sessionId);
        return s == null ? Optional.empty() : s.head;
    }

    long revision(String sessionId) {
        return session(sessionId).revision;
    }

    boolean seqLoose(String sessionId) {
        ModelSession s = sessions.get(sessionId);
        return s != null && s.seqLoose;
    }

    /** @return the blobs nodes of the session that are not detached reference (rule 6: nameable without bytes) */
    Set<ContentHash> blobHashes(String sessionId) {
        ModelSession s = sessions.get(sessionId);
        Set<ContentHash> refs = new HashSet<>();
        if (s != null) {
            s.references(n -> n.state != ModelSession.State.DETACHED, refs);
        }
        refs.retainAll(blobs.keySet());
        return refs;
    }

    Set<ContentHash> blobHashes() {
        return Set.copyOf(blobs.keySet());
    }

    // ------------------------------------------------------------------ catalogue

    SessionMeta createStore(SessionStoreCreateRequest r, Instant now) {
        ModelSession s = sessions.get(r.sessionId());
        if (s == null) {
            s = new ModelSession(new SessionMeta(r.sessionId(), r.name(), r.model(), r.cwd(), r.parentSessionId(), now,
                    r.attributes()));
            s.incarnation = ++made;
            sessions.put(r.sessionId(), s);
        }
        return s.meta;
    }

    SessionPage listSessions(SessionQuery q) {
        List<SessionMeta> all = new ArrayList<>();
        for (ModelSession s : sessions.values()) {
            if (q.matches(s.meta)) {
                all.add(s.meta);
            }
        }
        all.sort(SessionCursor.NEWEST_FIRST);
        Optional<SessionCursor> after = q.position();
        List<SessionMeta> rest = new ArrayList<>();
        for (SessionMeta m : all) {
            if (after.isEmpty() || after.get().precedes(m)) {
                rest.add(m);
            }
        }
        List<SessionMeta> page = rest.subList(0, Math.min(q.limit(), rest.size()));
        Optional<String> next = rest.size() > page.size()
                ? Optional.of(SessionCursor.after(page.get(page.size() - 1)).encode()) : Optional.empty();
        return new SessionPage(page, next);
    }

    SessionMeta forkSession(ForkRequest r, Instant now) {
        ModelSession src = sessions.get(r.sourceSessionId());
        if (src == null) {
            lastRule = 20;
            throw new SessionNotFoundException(r.sourceSessionId());
        }
        if (!src.live(r.atNodeId())) {
            throw refuse(20, "fork node " + r.atNodeId() + " is not a live node of " + r.sourceSessionId());
        }
        if (sessions.containsKey(r.newSessionId())) {
            throw refuse(20, "session " + r.newSessionId() + " exists");
        }
        SessionMeta m = src.meta;
        ModelSession f = new ModelSession(new SessionMeta(r.newSessionId(), m.name(), m.model(), m.cwd(),
                Optional.of(r.sourceSessionId()), now, m.attributes()));
        for (String id : src.pathTo(r.atNodeId())) {
            SessionNode n = src.nodes.get(id).node;
            f.nodes.put(id, new ModelSession.Node(new SessionNode(id, n.parentNodeId(), n.kind(), n.payload(),
                    n.attachments(), f.nextSeq++, n.createdAt(), false, n.payloadHash())));
            TreeMap<String, BlobRef> slots = src.slots.get(id);
            if (slots != null) {
                f.slots.put(id, new TreeMap<>(slots));
            }
        }
        f.head = Optional.of(r.atNodeId());
        f.incarnation = ++made;
        sessions.put(r.newSessionId(), f);
        return f.meta;
    }

    boolean deleteSession(String sessionId) {
        ModelSession s = sessions.remove(sessionId);
        if (s == null) {
            return false;
        }
        Set<ContentHash> candidates = new HashSet<>();
        s.references(n -> true, candidates);
        Set<ContentHash> kept = new HashSet<>();
        for (ModelSession other : sessions.values()) {
            other.references(n -> n.state != ModelSession.State.DETACHED, kept);
        }
        candidates.removeAll(kept);
        candidates.forEach(blobs::remove);
        return true;
    }

    // ------------------------------------------------------------------ reads

    Optional<PersistedSessionRead> loadSession(String sessionId, SessionReadScope scope) {
        ModelSession s = sessions.get(sessionId);
        if (s == null) {
            return Optional.empty();
        }
        List<String> ids;
        String leaf = s.head.orElse(null);
        if (scope instanceof SessionReadScope.ActivePathTo to) {
            if (!s.live(to.leafNodeId())) {
                throw refuse(9, "leaf " + to.leafNodeId() + " is not a live node");
            }
            leaf = to.leafNodeId();
            ids = s.pathTo(leaf);
        } else if (scope instanceof SessionReadScope.ActivePathTail tail) {
            List<String> path = s.activePath();
            ids = path.subList(Math.max(0, path.size() - tail.n()), path.size());
        } else if (scope == SessionReadScope.fullGraph()) {
            ids = new ArrayList<>();
            s.nodes.forEach((id, n) -> {
                if (n.live()) {
                    ids.add(id);
                }
            });
        } else if (scope == SessionReadScope.fullGraphWithTombstones()) {
            ids = new ArrayList<>();
            s.nodes.forEach((id, n) -> {
                if (n.state != ModelSession.State.DETACHED) {
                    ids.add(id);
                }
            });
        } else {
            ids = s.activePath();
        }
        List<SessionNode> nodes = new ArrayList<>();
        for (String id : ids) {
            nodes.add(view(s.nodes.get(id)));
        }
        return Optional.of(new PersistedSessionRead(s.meta, new SessionHead(s.head, s.revision), nodes,
                checkpoint(s, leaf), ledger(s, new HashSet<>(ids))));
    }

    private static SessionNode view(ModelSession.Node n) {
        SessionNode x = n.node;
        return n.state == ModelSession.State.TOMBSTONED ? new SessionNode(x.nodeId(), x.parentNodeId(), x.kind(),
                x.payload(), x.attachments(), x.seq(), x.createdAt(), true, x.payloadHash()) : x;
    }

    private static Checkpoint checkpoint(ModelSession s, String leaf) {
        if (leaf == null) {
            return Checkpoint.EMPTY;
        }
        Map<String, CheckpointSlot> out = new TreeMap<>();
        List<String> path = s.pathTo(leaf);
        for (int i = path.size() - 1; i >= 0; i--) {
            String id = path.get(i);
            TreeMap<String, BlobRef> slots = s.slots.get(id);
            if (slots != null) {
                slots.forEach((name, ref) -> out.putIfAbsent(name, new CheckpointSlot(name, id, ref)));
            }
        }
        return new Checkpoint(out);
    }

    private static UsageLedger ledger(ModelSession s, Set<String> nodeIds) {
        Map<String, dev.cairn.persistence.TokenUsage> byModel = new TreeMap<>();
        List<UsageEntry> turns = new ArrayList<>();
        for (UsageEntry e : s.usage) {
            byModel.merge(e.model(), e.usage(), dev.cairn.persistence.TokenUsage::plus);
            if (nodeIds.contains(e.nodeId())) {
                turns.add(e);
            }
        }
        for (UsageEntry e : s.vacuumedUsage) {
            byModel.merge(e.model(), e.usage(), dev.cairn.persistence.TokenUsage::plus);
        }
        return UsageLedger.of(byModel, turns);
    }

    Optional<SessionNode> loadNode(String sessionId, String nodeId) {
        if (!Ids.isValid(nodeId)) {
            throw refuse(18, "invalid node id " + Ids.quote(nodeId));
        }
        ModelSession s = sessions.get(sessionId);
        if (s == null) {
            return Optional.empty();
        }
        ModelSession.Node n = s.nodes.get(nodeId);
        return n != null && n.live() ? Optional.of(n.node) : Optional.empty();
    }

    Optional<SessionMeta> loadSessionMeta(String sessionId) {
        ModelSession s = sessions.get(sessionId);
        return s == null ? Optional.empty() : Optional.of(s.meta);
    }

    /** @return any blob of the factory (SessionStoreFactory.loadBlob) */
    Optional<byte[]> loadBlob(ContentHash hash) {
        byte[] b = blobs.get(hash);
        return b == null ? Optional.empty() : Optional.of(b.clone());
    }

    /** @return a blob through a store of the session: only one it references (rule 13) */
    Optional<byte[]> loadBlob(String sessionId, ContentHash hash) {
        ModelSession s = sessions.get(sessionId);
        return s != null && references(s, hash) ? loadBlob(hash) : Optional.empty();
    }

    /** @return whether a node of the session that is not detached attaches the blob or has a slot with it */
    private static boolean references(ModelSession s, ContentHash hash) {
        Set<ContentHash> refs = new HashSet<>();
        s.references(n -> n.state != ModelSession.State.DETACHED, refs);
        return refs.contains(hash);
    }

    // ------------------------------------------------------------------ writes

    void saveSessionMeta(String sessionId, SessionMeta meta) {
        ModelSession s = session(sessionId);
        SessionMeta m = s.meta;
        if (!meta.sessionId().equals(m.sessionId()) || !meta.parentSessionId().equals(m.parentSessionId())
                || !meta.createdAt().equals(m.createdAt())) {
            throw refuse(18, "saveSessionMeta cannot change the session id, parent or creation time");
        }
        s.meta = meta;
    }

    RuntimeCommitResult commit(String sessionId, StorePolicy policy, RuntimeCommit c, Instant now) {
        ModelSession s = session(sessionId);
        if (c.idempotencyKey().isPresent()) {
            ModelSession.Key k = s.keys.get(c.idempotencyKey().get());
            if (k != null) {
                if (k.fingerprint().equals(c.fingerprint())) {
                    return k.result().asReplayed();
                }
                lastRule = 7;
                throw new IdempotencyConflictException(sessionId, c.idempotencyKey().get());
            }
        }
        for (NewNode n : c.nodes()) {
            if (n.payloadSize() > policy.maxPayloadBytes()) {
                throw refuse(8, "payload of " + n.nodeId() + " is " + n.payloadSize() + " bytes, the limit is "
                        + policy.maxPayloadBytes());
            }
        }
        for (NewBlob b : c.blobs().values()) {
            if (b.size() > policy.maxBlobBytes()) {
                throw refuse(8, "blob of " + b.size() + " bytes, the limit is " + policy.maxBlobBytes());
            }
        }
        if (c.expectedRevision().isPresent() && c.expectedRevision().getAsLong() != s.revision) {
            lastRule = 3;
            throw new RevisionConflictException(sessionId, c.expectedRevision().getAsLong(), s.revision);
        }
        Set<String> added = new LinkedHashSet<>();
        for (NewNode n : c.nodes()) {
            if (s.nodes.containsKey(n.nodeId()) || added.contains(n.nodeId())) {
                throw refuse(4, "node id " + n.nodeId() + " is taken");
            }
            if (n.parentNodeId().isPresent() && !added.contains(n.parentNodeId().get())
                    && !s.live(n.parentNodeId().get())) {
                throw refuse(4, "parent " + n.parentNodeId().get() + " of " + n.nodeId() + " is not a live node");
            }
            for (BlobRef r : n.attachments()) {
                NewBlob carried = c.blobs().get(r.hash());
                byte[] stored = carried == null && references(s, r.hash()) ? blobs.get(r.hash()) : null;
                long size = carried != null ? carried.size() : stored != null ? stored.length : -1;
                if (size != r.size()) {
                    throw refuse(6, "attachment " + r.hash() + " of " + n.nodeId() + " names no carried blob and"
                            + " no blob the session references, of size " + r.size());
                }
            }
            added.add(n.nodeId());
        }
        if (c.head().isPresent() && !added.contains(c.head().get()) && !s.live(c.head().get())) {
            throw refuse(5, "head " + c.head().get() + " is not a live node");
        }
        Optional<String> head = c.head().isPresent() ? c.head() : s.head;
        if (!c.checkpoint().isEmpty() && head.isEmpty()) {
            throw refuse(6, "checkpoint needs a head");
        }
        for (UsageRecord u : c.usage()) {
            if (!added.contains(u.nodeId()) && !s.live(u.nodeId())) {
                throw refuse(6, "usage names " + u.nodeId() + ", not a live node");
            }
        }
        s.revision++;
        for (NewNode n : c.nodes()) {
            s.nodes.put(n.nodeId(), new ModelSession.Node(new SessionNode(n.nodeId(), n.parentNodeId(), n.kind(),
                    n.payload(), n.attachments(), s.nextSeq++, now, false, ContentHash.of(n.payload()))));
        }
        c.blobs().forEach((h, b) -> blobs.putIfAbsent(h, b.bytes()));
        s.head = head;
        if (!c.checkpoint().isEmpty()) {
            s.slots.computeIfAbsent(head.get(), k -> new TreeMap<>()).putAll(c.checkpoint());
        }
        for (UsageRecord u : c.usage()) {
            s.usage.add(new UsageEntry(s.revision, u.nodeId(), u.model(), u.usage(), now));
        }
        RuntimeCommitResult result = new RuntimeCommitResult(s.revision, s.head, now,
                checkpoint(s, s.head.orElse(null)), false);
        c.idempotencyKey().ifPresent(k -> s.keys.put(k, new ModelSession.Key(c.fingerprint(), result)));
        return result;
    }

    int tombstoneNodes(String sessionId, Collection<String> nodeIds) {
        ModelSession s = session(sessionId);
        Set<String> onPath = new HashSet<>(s.activePath());
        for (String id : nodeIds) {
            if (!Ids.isValid(id)) {
                throw refuse(18, "invalid node id " + Ids.quote(id));
            }
            ModelSession.Node n = s.nodes.get(id);
            if (n == null || n.state == ModelSession.State.DETACHED) {
                throw refuse(15, "node " + id + " is unknown or detached");
            }
            if (onPath.contains(id)) {
                throw refuse(15, "node " + id + " is on the head's active path");
            }
        }
        Map<String, List<String>> children = new HashMap<>();
        s.nodes.forEach((id, n) -> n.parent().ifPresent(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(id)));
        int count = 0;
        List<String> todo = new ArrayList<>(nodeIds);
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String id = todo.remove(todo.size() - 1);
            if (!seen.add(id)) {
                continue;
            }
            ModelSession.Node n = s.nodes.get(id);
            if (n.live()) {
                n.state = ModelSession.State.TOMBSTONED;
                count++;
            }
            todo.addAll(children.getOrDefault(id, List.of()));
        }
        return count;
    }

    GcReport gcUnreachable() {
        long detached = 0;
        for (ModelSession s : sessions.values()) {
            for (ModelSession.Node n : s.nodes.values()) {
                if (n.state == ModelSession.State.TOMBSTONED) {
                    n.state = ModelSession.State.DETACHED;
                    detached++;
                }
            }
        }
        Set<ContentHash> referenced = new HashSet<>();
        for (ModelSession s : sessions.values()) {
            s.references(ModelSession.Node::live, referenced);
        }
        long deleted = 0;
        long bytes = 0;
        for (var it = blobs.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!referenced.contains(e.getKey())) {
                deleted++;
                bytes += e.getValue().length;
                it.remove();
            }
        }
        return new GcReport(detached, deleted, bytes);
    }

    /** @return the report, with {@code bytesReclaimed} 0: that number is the provider's own */
    VacuumReport vacuum() {
        long removed = 0;
        for (ModelSession s : sessions.values()) {
            for (var it = s.nodes.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                if (e.getValue().state == ModelSession.State.DETACHED) {
                    it.remove();
                    s.slots.remove(e.getKey());
                    String gone = e.getKey();
                    s.usage.removeIf(u -> {
                        boolean of = u.nodeId().equals(gone);
                        if (of) {
                            s.vacuumedUsage.add(u);
                        }
                        return of;
                    });
                    s.seqLoose = true;
                    removed++;
                }
            }
        }
        return new VacuumReport(removed, 0);
    }

    /** @return the ids in {@code ids} that still have state {@code state} in a session */
    static List<String> filter(Map<String, ModelSession.State> states, ModelSession.State state) {
        List<String> out = new ArrayList<>();
        states.forEach((id, st) -> {
            if (st == state) {
                out.add(id);
            }
        });
        return out;
    }

    /** @return the session ids that reference each stored blob, for failure messages */
    Map<ContentHash, Set<String>> owners() {
        Map<ContentHash, Set<String>> out = new HashMap<>();
        sessions.forEach((id, s) -> {
            Set<ContentHash> refs = new HashSet<>();
            s.references(n -> true, refs);
            refs.forEach(h -> out.computeIfAbsent(h, k -> new HashSet<>()).add(id));
        });
        return out;
    }
}
