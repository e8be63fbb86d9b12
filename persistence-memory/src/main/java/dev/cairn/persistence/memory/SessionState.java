package dev.cairn.persistence.memory;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.TokenUsage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything of one session. Guarded by {@link #lock}, always taken inside the backend's read lock;
 * gc, vacuum and delete hold the backend's write lock instead, which excludes every holder of
 * {@link #lock}. {@link #meta} and {@link #deleted} are volatile so the catalogue can read them
 * without either lock.
 */
final class SessionState {
    private static final int SCRATCH = 16;
    /** Not {@code synchronized}: a virtual thread blocked on it would pin its carrier (JDK 21 to 23). */
    final ReentrantLock lock = new ReentrantLock();
    final String id;
    volatile SessionMeta meta;
    volatile boolean deleted;

    long revision;
    /** The head node's position in {@link #nodes}, or -1. */
    int head = -1;
    Optional<String> headId = Optional.empty();

    /** Every node that vacuum has not removed, in commit order; live, tombstoned and detached ids stay taken until vacuum. */
    NodeTable nodes = new NodeTable(new Arena());
    /** Every usage entry recorded, in commit order. */
    Turns turns = new Turns();
    long nextSeq = 1;

    /** Raised when slots change at a node that may have descendants; stales every cached checkpoint. */
    long checkpointEpoch;
    /** Reused by {@link #resolve}; shrunk again after a walk up a very deep path. */
    private int[] scratch = new int[SCRATCH];

    /** The session's usage total, the four counts of {@link TokenUsage}, added in place by each commit. */
    final long[] total = new long[4];
    /** Per model, the same four counts (they never exceed {@link #total}'s). */
    final TreeMap<String, long[]> byModel = new TreeMap<>();
    /** The model of the last usage entry and its counts in {@link #byModel}, or null. */
    private String lastModel;
    private long[] lastModelTotal;

    /** The blobs {@link #references} answers for; rebuilt from the nodes when {@link #refsStale}. */
    private final HashSet<ContentHash> refs = new HashSet<>();
    private boolean refsStale;

    /** The commit checks, reused by every commit under {@link #lock}. */
    final CommitChecks checks = new CommitChecks(this);

    /** Idempotency keys, made at the first keyed commit. */
    private HashMap<String, KeyedResult> keys;

    SessionState(SessionMeta meta) {
        this.id = meta.sessionId();
        this.meta = meta;
    }

    /** The node appended last, and its position: the parent, head or usage node of most commits. */
    private String lastId;
    private int lastPos = -1;

    /** Keeps {@link #references} right after a node was appended at {@code pos}. */
    void added(int pos, String nodeId) {
        lastId = nodeId;
        lastPos = pos;
        if (!refsStale && nodes.hasBlobs(pos)) {
            nodes.forEachBlob(pos, refs::add);
        }
    }

    /** Commits a checkpoint slot at a node, keeping {@link #references} right. */
    void putSlot(int at, String slot, BlobRef blob) {
        Map<String, CheckpointSlot> own = nodes.slots(at);
        if (own != null && own.containsKey(slot)) {
            refsStale = true; // the replaced blob may have been this session's last reference to it
        } else if (!refsStale) {
            refs.add(blob.hash());
        }
        nodes.putSlot(at, slot, blob);
    }

    /** Called when nodes of the session were detached: their blobs no longer count as the session's. */
    void detached() {
        refsStale = true;
    }

    /**
     * @param hash a blob
     * @return whether a node of this session that is not detached attaches it or a checkpoint slot
     *     committed at such a node names it (SPEC rules 6 and 13)
     */
    boolean references(ContentHash hash) {
        if (refsStale) {
            refs.clear();
            for (int i = 0; i < nodes.size; i++) {
                if (nodes.state(i) != NodeTable.DETACHED) {
                    nodes.forEachBlob(i, refs::add);
                }
            }
            refsStale = false;
        }
        return refs.contains(hash);
    }

    /**
     * @return the position of the node with this id, live, tombstoned or detached, or -1. The node
     *     appended last and the head are found without the index: at a million nodes an index probe
     *     is a cache miss, and a commit names these nodes up to six times (issue 19).
     */
    int node(String nodeId) {
        if (lastPos >= 0 && nodeId.equals(lastId)) {
            return lastPos;
        }
        if (head >= 0 && nodeId.equals(headId.orElse(null))) {
            return head;
        }
        return nodes.find(nodeId);
    }

    /** Removes detached nodes (vacuum) and finds the head again. @return how many were removed */
    int compact() {
        int removed = nodes.compact();
        if (removed > 0) {
            head = headId.isPresent() ? nodes.find(headId.get()) : -1;
            lastId = null;
            lastPos = -1;
        }
        return removed;
    }

    /** Records a usage record of a node and adds its counts to the totals; the commit's checks ruled out an overflow. */
    void addUsage(int node, long rev, String model, TokenUsage u, long recordedNanos) {
        nodes.setLastTurn(node, turns.add(rev, model, u, recordedNanos, nodes.lastTurn(node)));
        add(total, u);
        if (model != lastModel) { // most turns name the same model string: no tree lookup (issue 19)
            lastModelTotal = byModel.computeIfAbsent(model, m -> new long[4]);
            lastModel = model;
        }
        add(lastModelTotal, u);
    }

    private static void add(long[] t, TokenUsage u) {
        t[0] += u.inputTokens();
        t[1] += u.outputTokens();
        t[2] += u.cachedInputTokens();
        t[3] += u.reasoningTokens();
    }

    /** @return the session's usage total */
    TokenUsage totalUsage() {
        return new TokenUsage(total[0], total[1], total[2], total[3]);
    }

    /** @return the per-model totals as the ledger reports them */
    Map<String, TokenUsage> modelTotals() {
        Map<String, TokenUsage> out = new TreeMap<>();
        byModel.forEach((m, t) -> out.put(m, new TokenUsage(t[0], t[1], t[2], t[3])));
        return out;
    }

    /** @return the position of the live node with this id, or -1 */
    int live(String nodeId) {
        int n = node(nodeId);
        return n >= 0 && nodes.isLive(n) ? n : -1;
    }

    /**
     * Resolves the checkpoint at a node: per slot, the one committed at the nearest node walking to
     * the root (SPEC rule 11). Memoized per node, so appending under a resolved head costs one step.
     *
     * @param leaf a position, or -1 for none
     */
    Checkpoint resolve(int leaf) {
        if (leaf < 0) {
            return Checkpoint.EMPTY;
        }
        long epoch = checkpointEpoch;
        int n = 0;
        int cur = leaf;
        Checkpoint base = null;
        while (cur >= 0 && (base = nodes.resolved(cur, epoch)) == null) {
            if (n == scratch.length) {
                scratch = Arrays.copyOf(scratch, n * 2);
            }
            scratch[n++] = cur;
            cur = nodes.parent(cur);
        }
        if (base == null) {
            base = Checkpoint.EMPTY;
        }
        for (int i = n - 1; i >= 0; i--) {
            int node = scratch[i];
            Map<String, CheckpointSlot> own = nodes.slots(node);
            if (own != null) {
                Map<String, CheckpointSlot> merged = new HashMap<>(base.slots());
                merged.putAll(own);
                base = new Checkpoint(merged);
            }
            nodes.setResolved(node, epoch, base);
        }
        if (scratch.length > 1024) {
            scratch = new int[SCRATCH];
        }
        return base;
    }

    /** @return the recorded result for a key, or null */
    KeyedResult keyed(String key) {
        return keys == null ? null : keys.get(key);
    }

    void recordKey(String key, ContentHash fingerprint, RuntimeCommitResult result) {
        if (keys == null) {
            keys = new HashMap<>();
        }
        keys.put(key, new KeyedResult(fingerprint, result.asReplayed()));
    }

    /** Drops everything a deleted session held, so stale handles keep nothing alive. */
    void erase() {
        deleted = true;
        nodes = new NodeTable(new Arena());
        turns = new Turns();
        head = -1;
        lastId = null;
        lastPos = -1;
        headId = Optional.empty();
        keys = null;
        byModel.clear();
        lastModel = null;
        lastModelTotal = null;
        Arrays.fill(total, 0);
        refs.clear();
    }

    /**
     * The first result of an idempotency key, already marked as replayed.
     *
     * @param fingerprint the content of the first commit
     * @param replay what a repeat returns
     */
    record KeyedResult(ContentHash fingerprint, RuntimeCommitResult replay) {
    }
}
