package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.VacuumReport;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * One run of the model-based test: {@code steps} random operations, each applied to the provider
 * and to the {@link ReferenceModel}, their outcomes compared, and then the state compared
 * ({@link ModelCompare}). The first difference fails with the seed and the step, so that
 * {@code -Dcairn.tck.seed=S -Dcairn.tck.steps=N} replays the run up to it.
 */
final class ModelRun {
    enum Op { CREATE, COMMIT, REPLAY, HEAD, TOMBSTONE, GC, VACUUM, FORK, DELETE, META, LIST, REOPEN }

    static final StorePolicy POLICY = new StorePolicy(64, 96);
    static final List<String> IDS = List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7");
    private static final Op[] WEIGHTED = weighted();

    final SessionStoreFactory factory;
    final long seed;
    final int steps;
    final SplittableRandom rnd;
    final ReferenceModel model = new ReferenceModel();
    final CommitGenerator gen;
    final Map<String, RuntimePersistence> handles = new TreeMap<>();
    /** A second handle per session, opened with openExisting, that only reads. */
    final Map<String, RuntimePersistence> readers = new TreeMap<>();
    final Map<String, StorePolicy> policies = new HashMap<>();
    private final Map<String, List<RuntimeCommit>> keyed = new TreeMap<>();
    private final Deque<String> history = new ArrayDeque<>();
    private final ModelCompare compare;
    int step;
    Op op;
    boolean opRefused;
    private String current = "(none)";

    ModelRun(SessionStoreFactory factory, long seed, int steps) {
        this.factory = factory;
        this.seed = seed;
        this.steps = steps;
        this.rnd = new SplittableRandom(seed);
        this.gen = new CommitGenerator(rnd.split());
        this.compare = new ModelCompare(this);
    }

    private static Op[] weighted() {
        List<Op> out = new ArrayList<>();
        Object[][] w = {{Op.CREATE, 4}, {Op.COMMIT, 40}, {Op.REPLAY, 6}, {Op.HEAD, 6}, {Op.TOMBSTONE, 8}, {Op.GC, 4},
            {Op.VACUUM, 3}, {Op.FORK, 4}, {Op.DELETE, 3}, {Op.META, 3}, {Op.LIST, 4}, {Op.REOPEN, 3}};
        for (Object[] e : w) {
            for (int i = 0; i < (int) e[1]; i++) {
                out.add((Op) e[0]);
            }
        }
        return out.toArray(new Op[0]);
    }

    void run() {
        for (step = 1; step <= steps; step++) {
            op = WEIGHTED[rnd.nextInt(WEIGHTED.length)];
            if (model.sessionIds().isEmpty() && op != Op.LIST) {
                op = Op.CREATE;
            }
            opRefused = false;
            Set<String> touched = new TreeSet<>();
            Set<ContentHash> blobs = new HashSet<>();
            boolean everything = switch (op) {
                case CREATE -> create(touched);
                case COMMIT, REPLAY, HEAD -> commit(touched, blobs);
                case TOMBSTONE -> tombstone(touched);
                case GC -> gc();
                case VACUUM -> vacuum();
                case FORK -> fork(touched);
                case DELETE -> delete();
                case META -> meta(touched);
                case LIST -> list();
                case REOPEN -> reopen(touched);
            };
            history.addLast(step + ": " + current + (opRefused ? " -> refused" : ""));
            if (history.size() > 10) {
                history.removeFirst();
            }
            boolean full = everything || step % 25 == 0 || step == steps;
            for (String id : sortedSessions()) {
                compare.session(id, full || touched.contains(id));
            }
            compare.catalogue();
            compare.blobs(full ? gen.knownHashes() : sample(blobs));
        }
    }

    private List<ContentHash> sample(Set<ContentHash> touched) {
        List<ContentHash> out = new ArrayList<>(touched);
        out.sort(java.util.Comparator.comparing(ContentHash::hex));
        List<ContentHash> all = gen.knownHashes();
        for (int i = 0; i < 6 && !all.isEmpty(); i++) {
            out.add(all.get(rnd.nextInt(all.size())));
        }
        return out;
    }

    List<String> sortedSessions() {
        return new ArrayList<>(new TreeSet<>(model.sessionIds()));
    }

    private String anySession() {
        List<String> ids = sortedSessions();
        return ids.get(rnd.nextInt(ids.size()));
    }

    private <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    // ------------------------------------------------------------------ failures

    AssertionError diverged(int rule, String what) {
        return diverged(rule, what, null);
    }

    /**
     * @param rule the rule of the check that failed (what differs), which the message names first
     * @param what what differs
     * @param cause the provider's exception, or null
     * @return the failure; it also names the rule of the operation that was running when that differs
     */
    AssertionError diverged(int rule, String what, Throwable cause) {
        int during = opRule();
        String msg = SpecRules.message(rule, "model-based test: the provider differs from the kit's reference model at"
                + " step " + step + " of " + steps + " (seed " + seed + "), operation " + current
                + (during != rule && during > 0 ? " (an operation of rule " + during + ")" : "") + ": " + what
                + ". Replay with -Dcairn.tck.seed=" + seed + " -Dcairn.tck.steps=" + step
                + ". Operations before: " + history, SpecRules.hint(rule));
        AssertionError e = new AssertionError(msg);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** @return the rule of the operation of the current step */
    int opRule() {
        if (op == null) {
            return 0;
        }
        return switch (op) {
            case CREATE, META, REOPEN -> 18;
            case COMMIT, REPLAY, HEAD -> opRefused ? 1 : 2;
            case TOMBSTONE -> 15;
            case GC -> 16;
            case VACUUM -> 17;
            case FORK -> 20;
            case DELETE -> 21;
            case LIST -> 19;
        };
    }

    /** The provider's call, with any non-spec exception turned into a divergence. */
    <T> Race.Outcome<T> provider(int rule, String what, Callable<T> call) {
        try {
            return new Race.Outcome<>(call.call(), null);
        } catch (PersistenceException e) {
            return new Race.Outcome<>(null, e);
        } catch (Exception e) {
            throw diverged(rule, what + " threw " + e + ", which is not a PersistenceException", e);
        }
    }

    <T> Race.Outcome<T> model(Callable<T> call) {
        try {
            return new Race.Outcome<>(call.call(), null);
        } catch (PersistenceException e) {
            return new Race.Outcome<>(null, e);
        } catch (Exception e) {
            throw new IllegalStateException("the kit's reference model failed (a kit bug): " + e, e);
        }
    }

    static int ruleOf(Throwable providerError) {
        if (providerError instanceof RevisionConflictException) {
            return 3;
        }
        if (providerError instanceof IdempotencyConflictException) {
            return 7;
        }
        if (providerError instanceof SessionNotFoundException) {
            return 21;
        }
        if (providerError instanceof StoreClosedException) {
            return 22;
        }
        return 4;
    }

    /**
     * Compares outcomes. Both failing with the same exception type is agreement.
     *
     * @return true if both succeeded
     */
    <T> boolean agree(String what, Race.Outcome<T> p, Race.Outcome<?> m, int okRule) {
        if (p.ok() && !m.ok()) {
            throw diverged(model.lastRule(), what + " succeeded (" + p.value() + ") but the reference model refuses it: "
                    + m.error());
        }
        if (!p.ok() && m.ok()) {
            throw diverged(ruleOf(p.error()), what + " threw " + p.error() + " but the reference model accepts it ("
                    + m.value() + ")", p.error());
        }
        if (!p.ok()) {
            opRefused = true;
            if (!m.error().getClass().isInstance(p.error())) {
                throw diverged(model.lastRule(), what + " threw " + p.error() + " but the reference model throws "
                        + m.error(), p.error());
            }
            if (p.error() instanceof RevisionConflictException pe && m.error() instanceof RevisionConflictException me
                    && (pe.expected() != me.expected() || pe.actual() != me.actual())) {
                throw diverged(3, what + " threw " + pe.getMessage() + " but the model expects expected=" + me.expected()
                        + ", actual=" + me.actual());
            }
            return false;
        }
        if (okRule > 0 && !Objects.equals(p.value(), m.value())) {
            throw diverged(okRule, what + " returned " + p.value() + " but the reference model returns " + m.value());
        }
        return true;
    }

    // ------------------------------------------------------------------ operations

    private boolean create(Set<String> touched) {
        String id = pick(IDS);
        SessionStoreCreateRequest req = SessionStoreCreateRequest.of(id).withPolicy(POLICY)
                .withName("name " + rnd.nextInt(100)).withModel(pick(List.of("", "gpt-a", "claude-c")))
                .withCwd("/w/" + rnd.nextInt(10)).withAttributes(attributes());
        List<String> existing = sortedSessions();
        if (!existing.isEmpty() && rnd.nextInt(3) == 0) {
            req = req.withParent(pick(existing));
        }
        SessionStoreCreateRequest r = req;
        current = "createStore(" + id + (r.parentSessionId().map(p -> ", parent " + p).orElse("")) + ", attributes "
                + r.attributes() + ")" + (model.exists(id) ? " of an existing session" : "");
        RuntimePersistence store = provider(18, "createStore", () -> factory.createStore(r)).value();
        if (store == null) {
            throw diverged(18, "createStore threw");
        }
        Optional<SessionMeta> meta = provider(18, "loadSessionMeta", store::loadSessionMeta).value();
        if (meta == null || meta.isEmpty()) {
            throw diverged(18, "loadSessionMeta of the store createStore returned is empty or threw");
        }
        SessionMeta expected = model.createStore(r, meta.get().createdAt());
        if (!expected.equals(meta.get())) {
            throw diverged(18, "the session's metadata is " + meta.get() + " but should be " + expected);
        }
        replaceHandle(id, store, POLICY);
        touched.add(id);
        return false;
    }

    private Map<String, String> attributes() {
        Map<String, String> a = new TreeMap<>();
        if (rnd.nextBoolean()) {
            a.put("team", pick(List.of("red", "blue")));
        }
        if (rnd.nextBoolean()) {
            a.put("env", pick(List.of("prod", "dev")));
        }
        return a;
    }

    private void replaceHandle(String id, RuntimePersistence store, StorePolicy policy) {
        RuntimePersistence old = handles.put(id, store);
        policies.put(id, policy);
        if (old != null && old != store && rnd.nextBoolean()) {
            old.close();
        }
        if (!readers.containsKey(id) || rnd.nextInt(4) == 0) {
            Optional<RuntimePersistence> reader = provider(18, "openExisting(" + id + ")", () -> factory.openExisting(id))
                    .value();
            if (reader == null || reader.isEmpty()) {
                throw diverged(18, "openExisting(" + id + ") of an existing session is empty or threw");
            }
            readers.put(id, reader.get());
        }
    }

    private boolean commit(Set<String> touched, Set<ContentHash> blobs) {
        String sid = anySession();
        StorePolicy policy = policies.get(sid);
        RuntimeCommit c;
        if (op == Op.REPLAY && keyed.containsKey(sid) && !keyed.get(sid).isEmpty()) {
            RuntimeCommit first = pick(keyed.get(sid));
            if (rnd.nextInt(10) < 6) {
                int v = rnd.nextInt(3);
                OptionalLong exp = v == 0 ? OptionalLong.of(model.revision(sid)) : v == 1 ? first.expectedRevision()
                        : OptionalLong.empty();
                c = CommitGenerator.withExpected(first, exp);
                current = "replay of " + first + " expecting " + exp;
            } else {
                RuntimeCommit other = gen.next(model, sid, policy, false).commit();
                c = CommitGenerator.rebuild(other, other.expectedRevision(), first.idempotencyKey());
                current = "other content under the key of " + first + ": " + c;
            }
        } else if (op == Op.HEAD && !ReferenceModel.filter(model.nodeStates(sid), ModelSession.State.LIVE).isEmpty()) {
            String to = pick(ReferenceModel.filter(model.nodeStates(sid), ModelSession.State.LIVE));
            c = RuntimeCommit.expecting(model.revision(sid)).head(to).build();
            current = "move head to " + to;
        } else {
            CommitGenerator.Generated g = gen.next(model, sid, policy, true);
            c = g.commit();
            current = g.description();
        }
        current = "commit to " + sid + ": " + current;
        RuntimePersistence h = handles.get(sid);
        RuntimeCommit fc = c;
        Race.Outcome<RuntimeCommitResult> p = provider(1, "commitRuntimeState", () -> h.commitRuntimeState(fc));
        Instant now = p.ok() ? p.value().committedAt() : Instant.EPOCH;
        Race.Outcome<RuntimeCommitResult> m = model(() -> model.commit(sid, policy, fc, now));
        if (agree("commitRuntimeState", p, m, 0)) {
            RuntimeCommitResult a = p.value();
            RuntimeCommitResult b = m.value();
            if (a.replayed() != b.replayed() || (b.replayed() && !a.equals(b))) {
                throw diverged(7, "the result is " + a + " but the reference model returns " + b);
            }
            if (a.revision() != b.revision()) {
                throw diverged(2, "the result's revision is " + a.revision() + ", expected " + b.revision());
            }
            if (!a.head().equals(b.head())) {
                throw diverged(5, "the result's head is " + a.head() + ", expected " + b.head());
            }
            if (!a.checkpoint().equals(b.checkpoint())) {
                throw diverged(11, "the result's checkpoint is " + a.checkpoint().slots() + ", expected "
                        + b.checkpoint().slots());
            }
        }
        if (c.idempotencyKey().isPresent() && op != Op.REPLAY) {
            keyed.computeIfAbsent(sid, k -> new ArrayList<>()).add(c);
        }
        touched.add(sid);
        blobs.addAll(CommitGenerator.hashesOf(c));
        return false;
    }

    private boolean tombstone(Set<String> touched) {
        String sid = anySession();
        Map<String, ModelSession.State> states = model.nodeStates(sid);
        List<String> path = new ArrayList<>();
        model.loadSession(sid, SessionReadScope.activePath()).ifPresent(r -> r.nodes().forEach(n -> path.add(n.nodeId())));
        List<String> candidates = new ArrayList<>();
        states.forEach((id, st) -> {
            if (st == ModelSession.State.LIVE && !path.contains(id)) {
                candidates.add(id);
            }
        });
        List<String> ids = new ArrayList<>();
        int n = 1 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
            int r = rnd.nextInt(100);
            if (r < 70 && !candidates.isEmpty()) {
                ids.add(pick(candidates));
            } else if (r < 80 && !states.isEmpty()) {
                ids.add(pick(new ArrayList<>(states.keySet())));
            } else if (r < 90 && !path.isEmpty()) {
                ids.add(pick(path));
            } else {
                ids.add("ghost" + rnd.nextInt(100));
            }
        }
        current = "tombstoneNodes(" + ids + ") in " + sid;
        RuntimePersistence h = handles.get(sid);
        agree("tombstoneNodes", provider(15, "tombstoneNodes", () -> h.tombstoneNodes(ids)),
                model(() -> model.tombstoneNodes(sid, ids)), 15);
        touched.add(sid);
        return false;
    }

    private boolean gc() {
        String sid = anySession();
        current = "gcUnreachable through " + sid;
        RuntimePersistence h = handles.get(sid);
        Race.Outcome<GcReport> p = provider(16, "gcUnreachable", h::gcUnreachable);
        agree("gcUnreachable", p, model(model::gcUnreachable), 16);
        return true;
    }

    private boolean vacuum() {
        String sid = anySession();
        current = "vacuum through " + sid;
        RuntimePersistence h = handles.get(sid);
        Race.Outcome<VacuumReport> p = provider(17, "vacuum", h::vacuum);
        Race.Outcome<VacuumReport> m = model(model::vacuum);
        if (agree("vacuum", p, m, 0) && p.value().nodesRemoved() != m.value().nodesRemoved()) {
            throw diverged(17, "vacuum removed " + p.value().nodesRemoved() + " nodes, the model "
                    + m.value().nodesRemoved());
        }
        return true;
    }

    private boolean fork(Set<String> touched) {
        int defect = rnd.nextInt(12);
        List<String> free = new ArrayList<>(IDS);
        free.removeAll(model.sessionIds());
        if (free.isEmpty()) {
            defect = 2;
        }
        String src = anySession();
        if (defect == 0 && free.size() >= 2) {
            src = free.remove(rnd.nextInt(free.size()));
        }
        Map<String, ModelSession.State> states = model.nodeStates(src);
        List<String> live = ReferenceModel.filter(states, ModelSession.State.LIVE);
        List<String> dead = new ArrayList<>(states.keySet());
        dead.removeAll(live);
        String at;
        if (defect == 1 || live.isEmpty()) {
            at = dead.isEmpty() || rnd.nextBoolean() ? "ghost" + rnd.nextInt(10) : pick(dead);
        } else {
            at = pick(live);
        }
        List<String> taken = new ArrayList<>(sortedSessions());
        taken.remove(src);
        String to = defect == 2 && !taken.isEmpty() ? pick(taken) : free.isEmpty() ? "s0" : pick(free);
        if (to.equals(src)) {
            current = "(no fork: every session id is taken)";
            return false;
        }
        ForkRequest req = new ForkRequest(src, at, to, POLICY);
        current = "forkSession(" + src + " at " + at + " to " + to + ")";
        Race.Outcome<RuntimePersistence> p = provider(20, "forkSession", () -> factory.forkSession(req));
        Instant now = Instant.EPOCH;
        if (p.ok()) {
            Optional<SessionMeta> meta = provider(20, "loadSessionMeta of the fork", p.value()::loadSessionMeta).value();
            if (meta == null || meta.isEmpty()) {
                throw diverged(20, "the fork's loadSessionMeta is empty or threw");
            }
            now = meta.get().createdAt();
        }
        Instant t = now;
        Race.Outcome<SessionMeta> m = model(() -> model.forkSession(req, t));
        if (agree("forkSession", p, m, 0)) {
            replaceHandle(to, p.value(), POLICY);
            touched.add(to);
        }
        return true;
    }

    private boolean delete() {
        List<String> existing = sortedSessions();
        String id = rnd.nextInt(8) == 0 ? pick(IDS) : pick(existing);
        current = "deleteSession(" + id + ")";
        Race.Outcome<Boolean> p = provider(21, "deleteSession", () -> factory.deleteSession(id));
        boolean existed = model.deleteSession(id);
        agree("deleteSession", p, new Race.Outcome<>(existed, null), 21);
        RuntimePersistence old = handles.remove(id);
        RuntimePersistence oldReader = readers.remove(id);
        if (oldReader != null) {
            oldReader.close();
        }
        keyed.remove(id);
        if (existed && old != null) {
            Race.Outcome<RuntimeCommitResult> after = provider(21, "commit through the deleted session's store",
                    () -> old.commitRuntimeState(RuntimeCommit.unconditional().build()));
            if (!(after.error() instanceof SessionNotFoundException)) {
                throw diverged(21, "a commit through a store of the deleted session gave "
                        + (after.ok() ? after.value() : after.error()) + " instead of SessionNotFoundException");
            }
            old.close();
        }
        return true;
    }

    private boolean meta(Set<String> touched) {
        String sid = anySession();
        SessionMeta m = model.loadSessionMeta(sid).orElseThrow();
        SessionMeta next;
        int v = rnd.nextInt(8);
        if (v == 0) {
            next = new SessionMeta(sid, m.name(), m.model(), m.cwd(), Optional.of("other-parent"), m.createdAt(),
                    m.attributes());
        } else if (v == 1) {
            next = new SessionMeta(sid, m.name(), m.model(), m.cwd(), m.parentSessionId(), m.createdAt().plusMillis(1),
                    m.attributes());
        } else {
            next = new SessionMeta(sid, "renamed " + rnd.nextInt(100), pick(List.of("", "gpt-b")), m.cwd(),
                    m.parentSessionId(), m.createdAt(), attributes());
        }
        current = "saveSessionMeta(" + next + ")";
        RuntimePersistence h = handles.get(sid);
        agree("saveSessionMeta", provider(18, "saveSessionMeta", () -> {
            h.saveSessionMeta(next);
            return Boolean.TRUE;
        }), model(() -> {
            model.saveSessionMeta(sid, next);
            return Boolean.TRUE;
        }), 18);
        touched.add(sid);
        return false;
    }

    private boolean list() {
        compare.listing();
        return false;
    }

    void describe(String what) {
        current = what;
    }

    private boolean reopen(Set<String> touched) {
        String sid = anySession();
        boolean existing = rnd.nextBoolean();
        current = (existing ? "openExisting(" : "createStore of the existing session (") + sid + ")";
        RuntimePersistence store;
        StorePolicy policy;
        if (existing) {
            Optional<RuntimePersistence> o = provider(18, "openExisting", () -> factory.openExisting(sid)).value();
            if (o == null || o.isEmpty()) {
                throw diverged(18, "openExisting of an existing session is empty or threw");
            }
            store = o.get();
            policy = StorePolicy.DEFAULT;
        } else {
            store = provider(18, "createStore", () -> factory.createStore(SessionStoreCreateRequest.of(sid)
                    .withPolicy(POLICY).withName("must not replace the name"))).value();
            if (store == null) {
                throw diverged(18, "createStore of an existing session threw");
            }
            policy = POLICY;
        }
        replaceHandle(sid, store, policy);
        touched.add(sid);
        return false;
    }
}
