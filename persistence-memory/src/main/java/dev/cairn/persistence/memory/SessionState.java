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
    /** The head node, or null. */
    Node head;
    Optional<String> headId = Optional.empty();

    /** Every node that vacuum has not removed, in commit order. */
    Node[] nodes = new Node[16];
    int size;
    /** Live, tombstoned and detached nodes by id: ids stay taken until vacuum. */
    private final NodeIndex byId = new NodeIndex();
    long nextSeq = 1;

    /** Raised when slots change at a node that may have descendants; stales every cached checkpoint. */
    long checkpointEpoch;
    /** Reused by {@link #resolve}; shrunk again after a walk up a very deep path. */
    private Node[] scratch = new Node[SCRATCH];

    /** The session's usage total, the four counts of {@link TokenUsage}, added in place by each commit. */
    final long[] total = new long[4];
    /** Per model, the same four counts (they never exceed {@link #total}'s). */
    final TreeMap<String, long[]> byModel = new TreeMap<>();
    long nextTurn;

    /** The blobs {@link #references} answers for; rebuilt from the nodes when {@link #refsStale}. */
    private final HashSet<ContentHash> refs = new HashSet<>();
    private boolean refsStale;

    /** Idempotency keys, made at the first keyed commit. */
    private HashMap<String, KeyedResult> keys;

    SessionState(SessionMeta meta) {
        this.id = meta.sessionId();
        this.meta = meta;
    }

    void add(Node node) {
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, size * 2);
        }
        byId.add(node.id, size);
        nodes[size++] = node;
        if (!refsStale) {
            node.forEachBlob(refs::add);
        }
    }

    /** Commits a checkpoint slot at a node, keeping {@link #references} right. */
    void putSlot(Node at, String slot, BlobRef blob) {
        if (at.slots != null && at.slots.containsKey(slot)) {
            refsStale = true; // the replaced blob may have been this session's last reference to it
        } else if (!refsStale) {
            refs.add(blob.hash());
        }
        at.putSlot(slot, blob);
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
            for (int i = 0; i < size; i++) {
                if (nodes[i].state != Node.DETACHED) {
                    nodes[i].forEachBlob(refs::add);
                }
            }
            refsStale = false;
        }
        return refs.contains(hash);
    }

    /** @return the node with this id, live, tombstoned or detached, or null */
    Node node(String nodeId) {
        return byId.get(nodes, nodeId);
    }

    /** Indexes the nodes again after vacuum removed some and moved the rest. */
    void reindex() {
        byId.rebuild(nodes, size);
    }

    /** Adds a usage record's counts to the totals; the commit's checks ruled out an overflow. */
    void addUsage(String model, TokenUsage u) {
        add(total, u);
        add(byModel.computeIfAbsent(model, m -> new long[4]), u);
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

    /** @return the live node with this id, or null */
    Node live(String nodeId) {
        Node n = byId.get(nodes, nodeId);
        return n != null && n.isLive() ? n : null;
    }

    /**
     * Resolves the checkpoint at a node: per slot, the one committed at the nearest node walking to
     * the root (SPEC rule 11). Memoized per node, so appending under a resolved head costs one step.
     */
    Checkpoint resolve(Node leaf) {
        if (leaf == null) {
            return Checkpoint.EMPTY;
        }
        long epoch = checkpointEpoch;
        int n = 0;
        Node cur = leaf;
        while (cur != null && cur.resolvedEpoch != epoch) {
            if (n == scratch.length) {
                scratch = Arrays.copyOf(scratch, n * 2);
            }
            scratch[n++] = cur;
            cur = cur.parent;
        }
        Checkpoint base = cur == null ? Checkpoint.EMPTY : cur.resolved;
        for (int i = n - 1; i >= 0; i--) {
            Node node = scratch[i];
            scratch[i] = null;
            if (node.slots != null) {
                Map<String, CheckpointSlot> merged = new HashMap<>(base.slots());
                merged.putAll(node.slots);
                base = new Checkpoint(merged);
            }
            node.resolved = base;
            node.resolvedEpoch = epoch;
        }
        if (scratch.length > 1024) {
            scratch = new Node[SCRATCH];
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
        nodes = new Node[0];
        size = 0;
        byId.clear();
        head = null;
        headId = Optional.empty();
        keys = null;
        byModel.clear();
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
