package dev.cairn.persistence.memory;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.SessionNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The nodes of one session, in commit order, as columns: a node is a position {@code 0..size-1},
 * and what it holds is a slot of each array (issue 19). Ids and payloads are bytes in the
 * session's {@link Arena}; kinds are small numbers into {@link #kinds}. Of the references, only the
 * rare or read-time ones are kept per node ({@link #extras}, {@link #views}, {@link #resolved}), in
 * arrays that are null where unused. So a commit adds no object that outlives it, and a young
 * collection has nothing of the session to copy. Positions change only in {@link #compact}.
 *
 * <p>Guarded like {@link SessionState}.
 */
final class NodeTable {
    static final byte LIVE = 0;
    static final byte TOMBSTONED = 1;
    static final byte DETACHED = 2;
    private static final int INITIAL = 16;

    /** Attachments and checkpoint slots of a node, for the few nodes that have either. */
    static final class Extra {
        List<BlobRef> attachments = List.of();
        /** By slot name; null when none. */
        Map<String, CheckpointSlot> slots;
    }

    final Arena arena;
    private final NodeIndex byId = new NodeIndex();
    final Interned<NodeKind> kinds = new Interned<>();
    int size;

    private long[] idAt = new long[INITIAL];
    private byte[] idLength = new byte[INITIAL];
    private long[] payloadAt = new long[INITIAL];
    private int[] payloadLength = new int[INITIAL];
    /** The parent's position, or -1 for a root. */
    private int[] parent = new int[INITIAL];
    /** Nodes on the path from a root to this node, this one included. */
    private int[] depth = new int[INITIAL];
    private long[] seq = new long[INITIAL];
    /** Nanoseconds since the epoch. */
    private long[] createdAt = new long[INITIAL];
    private byte[] state = new byte[INITIAL];
    private int[] kind = new int[INITIAL];
    /** The node's last usage entry in {@link Turns}, plus one; 0 for none. */
    private int[] lastTurn = new int[INITIAL];
    private Extra[] extras = new Extra[INITIAL];
    /** The live view, built at the first read (it owns a copy of the payload and its hash). */
    private SessionNode[] views = new SessionNode[INITIAL];
    /** The checkpoint resolved at a node, valid while its {@link #resolvedEpoch} is the session's plus one. */
    private Checkpoint[] resolved = new Checkpoint[INITIAL];
    private long[] resolvedEpoch = new long[INITIAL];

    NodeTable(Arena arena) {
        this.arena = arena;
    }

    /** Appends a committed node; its id is not taken and its parent (or -1) is stored. */
    int add(NewNode source, int parentPos, long nodeSeq, long createdNanos) {
        String id = source.nodeId();
        int at = append(arena.putAscii(id), id.length(), arena.put(source), source.payloadSize(), parentPos, nodeSeq,
                createdNanos, kinds.of(source.kind()));
        byId.add(id.hashCode(), at);
        List<BlobRef> refs = source.attachments();
        if (!refs.isEmpty()) {
            extra(at).attachments = refs;
        }
        return at;
    }

    /** Appends a copy of another table's node (a fork): same id, kind, payload, attachments, time and slots. */
    int addCopy(NodeTable from, int pos, int parentPos, long nodeSeq) {
        int idLen = from.idLength[pos] & 0xff;
        int payloadLen = from.payloadLength[pos];
        int at = append(arena.put(from.arena.copy(from.idAt[pos], idLen), idLen), idLen,
                arena.put(from.arena.copy(from.payloadAt[pos], payloadLen), payloadLen), payloadLen, parentPos, nodeSeq,
                from.createdAt[pos], kinds.of(from.kinds.get(from.kind[pos])));
        byId.add(from.id(pos).hashCode(), at);
        Extra e = from.extras[pos];
        if (e != null) {
            Extra copy = extra(at);
            copy.attachments = e.attachments;
            copy.slots = e.slots == null ? null : new HashMap<>(e.slots);
        }
        return at;
    }

    private int append(long idPos, int idLen, long payloadPos, int payloadLen, int parentPos, long nodeSeq,
                       long createdNanos, int kindNo) {
        if (size == seq.length) {
            grow(size * 2);
        }
        int at = size++;
        idAt[at] = idPos;
        idLength[at] = (byte) idLen;
        payloadAt[at] = payloadPos;
        payloadLength[at] = payloadLen;
        parent[at] = parentPos;
        depth[at] = parentPos < 0 ? 1 : depth[parentPos] + 1;
        seq[at] = nodeSeq;
        createdAt[at] = createdNanos;
        kind[at] = kindNo;
        return at;
    }

    private void grow(int n) {
        idAt = Arrays.copyOf(idAt, n);
        idLength = Arrays.copyOf(idLength, n);
        payloadAt = Arrays.copyOf(payloadAt, n);
        payloadLength = Arrays.copyOf(payloadLength, n);
        parent = Arrays.copyOf(parent, n);
        depth = Arrays.copyOf(depth, n);
        seq = Arrays.copyOf(seq, n);
        createdAt = Arrays.copyOf(createdAt, n);
        state = Arrays.copyOf(state, n);
        kind = Arrays.copyOf(kind, n);
        lastTurn = Arrays.copyOf(lastTurn, n);
        extras = Arrays.copyOf(extras, n);
        views = Arrays.copyOf(views, n);
        resolved = Arrays.copyOf(resolved, n);
        resolvedEpoch = Arrays.copyOf(resolvedEpoch, n);
    }

    /** @return the position of the node with this id, any state, or -1 */
    int find(String id) {
        return byId.get(this, id);
    }

    /** @return whether the node at {@code pos} has this id */
    boolean hasId(int pos, String id) {
        return arena.equalsAscii(idAt[pos], idLength[pos] & 0xff, id);
    }

    String id(int pos) {
        return arena.ascii(idAt[pos], idLength[pos] & 0xff);
    }

    int parent(int pos) {
        return parent[pos];
    }

    int depth(int pos) {
        return depth[pos];
    }

    long seq(int pos) {
        return seq[pos];
    }

    byte state(int pos) {
        return state[pos];
    }

    void setState(int pos, byte s) {
        state[pos] = s;
    }

    boolean isLive(int pos) {
        return state[pos] == LIVE;
    }

    int payloadSize(int pos) {
        return payloadLength[pos];
    }

    int lastTurn(int pos) {
        return lastTurn[pos];
    }

    void setLastTurn(int pos, int turnPlusOne) {
        lastTurn[pos] = turnPlusOne;
    }

    /** @return the node's slots by name, or null */
    Map<String, CheckpointSlot> slots(int pos) {
        Extra e = extras[pos];
        return e == null ? null : e.slots;
    }

    void putSlot(int pos, String slot, BlobRef blob) {
        Extra e = extra(pos);
        if (e.slots == null) {
            e.slots = new HashMap<>(4);
        }
        e.slots.put(slot, new CheckpointSlot(slot, id(pos), blob));
    }

    private Extra extra(int pos) {
        Extra e = extras[pos];
        if (e == null) {
            e = new Extra();
            extras[pos] = e;
        }
        return e;
    }

    /** @return the memoized checkpoint at a node if it was resolved in this epoch, else null */
    Checkpoint resolved(int pos, long epoch) {
        return resolvedEpoch[pos] == epoch + 1 ? resolved[pos] : null;
    }

    void setResolved(int pos, long epoch, Checkpoint c) {
        resolved[pos] = c;
        resolvedEpoch[pos] = epoch + 1;
    }

    /** @return the node as reads return it while it is live: built once, with its hash, then kept */
    SessionNode view(int pos) {
        SessionNode v = views[pos];
        if (v == null) {
            byte[] payload = arena.copy(payloadAt[pos], payloadLength[pos]);
            int p = parent[pos];
            Extra e = extras[pos];
            v = new SessionNode(id(pos), p < 0 ? Optional.empty() : Optional.of(id(p)), kinds.get(kind[pos]), payload,
                    e == null ? List.of() : e.attachments, seq[pos], createdAt(pos), false, ContentHash.of(payload));
            views[pos] = v;
        }
        return v;
    }

    /** @return the node as reads return it: the kept view, or for a tombstoned node a flagged copy */
    SessionNode readView(int pos) {
        SessionNode v = view(pos);
        if (state[pos] == LIVE) {
            return v;
        }
        return new SessionNode(v.nodeId(), v.parentNodeId(), v.kind(), v.payload(), v.attachments(), v.seq(),
                v.createdAt(), true, v.payloadHash());
    }

    Instant createdAt(int pos) {
        return Times.fromNanos(createdAt[pos]);
    }

    /** @return whether the node has attachments or checkpoint slots */
    boolean hasBlobs(int pos) {
        return extras[pos] != null;
    }

    /** Calls {@code sink} with the hash of every blob this node references. */
    void forEachBlob(int pos, Consumer<ContentHash> sink) {
        Extra e = extras[pos];
        if (e == null) {
            return;
        }
        for (int i = 0, n = e.attachments.size(); i < n; i++) {
            sink.accept(e.attachments.get(i).hash());
        }
        if (e.slots != null) {
            for (CheckpointSlot s : e.slots.values()) {
                sink.accept(s.blob().hash());
            }
        }
    }

    /**
     * Removes the detached nodes, moving the others down in commit order (vacuum). A detached node's
     * descendants are detached too, so every kept node's parent is kept.
     *
     * @return how many nodes were removed
     */
    int compact() {
        int[] moved = new int[size];
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (state[i] == DETACHED) {
                moved[i] = -1;
                continue;
            }
            moved[i] = kept;
            idAt[kept] = idAt[i];
            idLength[kept] = idLength[i];
            payloadAt[kept] = payloadAt[i];
            payloadLength[kept] = payloadLength[i];
            parent[kept] = parent[i] < 0 ? -1 : moved[parent[i]];
            depth[kept] = depth[i];
            seq[kept] = seq[i];
            createdAt[kept] = createdAt[i];
            state[kept] = state[i];
            kind[kept] = kind[i];
            lastTurn[kept] = lastTurn[i];
            extras[kept] = extras[i];
            views[kept] = views[i];
            resolved[kept] = resolved[i];
            resolvedEpoch[kept] = resolvedEpoch[i];
            kept++;
        }
        int removed = size - kept;
        Arrays.fill(extras, kept, size, null);
        Arrays.fill(views, kept, size, null);
        Arrays.fill(resolved, kept, size, null);
        Arrays.fill(state, kept, size, LIVE);
        Arrays.fill(lastTurn, kept, size, 0);
        Arrays.fill(resolvedEpoch, kept, size, 0);
        size = kept;
        byId.clear();
        for (int i = 0; i < size; i++) {
            byId.add(id(i).hashCode(), i);
        }
        return removed;
    }
}
