package dev.cairn.persistence.memory;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.SessionNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The nodes of one session, in commit order: a node is a position {@code 0..size-1}, and what it
 * holds is a row of {@link Rows} (issue 19). Ids and payloads are bytes in the session's
 * {@link Arena}; kinds are small numbers into {@link #kinds}. Of the references, only the rare or
 * read-time ones are kept per node ({@link #extras}, {@link #views}, {@link #resolved}), in chunks
 * that are made where used. So a commit adds no object that outlives it, a young collection has
 * nothing of the session to copy, and growing never copies old nodes. Positions change only in
 * {@link #compact}.
 *
 * <p>Guarded like {@link SessionState}.
 */
final class NodeTable {
    static final byte LIVE = 0;
    static final byte TOMBSTONED = 1;
    static final byte DETACHED = 2;

    /** Attachments and checkpoint slots of a node, for the few nodes that have either. */
    static final class Extra {
        List<BlobRef> attachments = List.of();
        /** By slot name; null when none. */
        Map<String, CheckpointSlot> slots;
    }

    /** The words of a node's row in {@link #rows}. */
    private static final int AT = 0;
    private static final int SEQ = 1;
    /** Nanoseconds since the epoch. */
    private static final int CREATED = 2;
    /** The epoch of {@link #resolved}'s entry, plus one; negated when the checkpoint is empty (no entry). */
    private static final int EPOCH = 3;
    /** Depth (nodes on the path from a root to this one, itself included) high, parent's position (or -1) low. */
    private static final int LINK = 4;
    /** State in bits 40 to 47, id length in bits 32 to 39, payload length low. */
    private static final int SIZES = 5;
    /** Kind number high, the last usage entry in {@link Turns} plus one (0 for none) low. */
    private static final int TURN = 6;
    private static final int WIDTH = 7;

    final Arena arena;
    private final NodeIndex byId = new NodeIndex();
    final Interned<NodeKind> kinds = new Interned<>();
    int size;

    /**
     * One row per node. Its payload is at {@code AT} in the arena, its id right after it; so a
     * commit writes one row, a cache line of one array, and one {@link #resolved} slot.
     */
    private final Rows rows = new Rows(WIDTH);
    private final Refs<Extra> extras = new Refs<>();
    /** The live view, built at the first read (it owns a copy of the payload and its hash). */
    private final Refs<SessionNode> views = new Refs<>();
    /** The checkpoint resolved at a node, valid while its {@code EPOCH} is the session's plus one (empty ones are not kept). */
    private final Refs<Checkpoint> resolved = new Refs<>();

    NodeTable(Arena arena) {
        this.arena = arena;
    }

    /** Appends a committed node; its id is not taken and its parent (or -1) is stored. */
    int add(NewNode source, int parentPos, long nodeSeq, long createdNanos) {
        String id = source.nodeId();
        int at = append(arena.put(source, id), id.length(), source.payloadSize(), parentPos, nodeSeq, createdNanos,
                kinds.of(source.kind()));
        byId.add(id.hashCode(), at);
        List<BlobRef> refs = source.attachments();
        if (!refs.isEmpty()) {
            extra(at).attachments = refs;
        }
        return at;
    }

    /** Appends a copy of another table's node (a fork): same id, kind, payload, attachments, time and slots. */
    int addCopy(NodeTable from, int pos, int parentPos, long nodeSeq) {
        int idLen = from.idLength(pos);
        int payloadLen = from.payloadSize(pos);
        int at = append(arena.put(from.arena, from.rows.get(pos, AT), payloadLen + idLen), idLen, payloadLen,
                parentPos, nodeSeq, from.rows.get(pos, CREATED), kinds.of(from.kinds.get(Rows.high(from.rows.get(pos, TURN)))));
        byId.add(from.id(pos).hashCode(), at);
        Extra e = from.extras.get(pos);
        if (e != null) {
            Extra copy = extra(at);
            copy.attachments = e.attachments;
            copy.slots = e.slots == null ? null : new HashMap<>(e.slots);
        }
        return at;
    }

    private int append(long bytesAt, int idLen, int payloadLen, int parentPos, long nodeSeq, long createdNanos,
                       int kindNo) {
        int at = size;
        rows.ensure(at);
        long[] c = rows.chunk(at);
        int o = rows.offset(at);
        c[o + AT] = bytesAt;
        c[o + SEQ] = nodeSeq;
        c[o + CREATED] = createdNanos;
        c[o + EPOCH] = 0;
        c[o + LINK] = Rows.pack(parentPos < 0 ? 1 : depth(parentPos) + 1, parentPos);
        c[o + SIZES] = ((long) idLen << 32) | payloadLen;
        c[o + TURN] = Rows.pack(kindNo, 0);
        size = at + 1;
        return at;
    }

    /** @return the position of the node with this id, any state, or -1 */
    int find(String id) {
        return byId.get(this, id);
    }

    /** @return whether the id index is still moving entries after a growth, for tests */
    boolean indexGrowing() {
        return byId.growing();
    }

    /** @return whether the node at {@code pos} has this id */
    boolean hasId(int pos, String id) {
        return arena.equalsAscii(idAt(pos), idLength(pos), id);
    }

    String id(int pos) {
        return arena.ascii(idAt(pos), idLength(pos));
    }

    private long idAt(int pos) {
        return rows.get(pos, AT) + payloadSize(pos);
    }

    private int idLength(int pos) {
        return (int) (rows.get(pos, SIZES) >>> 32) & 0xff;
    }

    int parent(int pos) {
        return Rows.low(rows.get(pos, LINK));
    }

    int depth(int pos) {
        return Rows.high(rows.get(pos, LINK));
    }

    long seq(int pos) {
        return rows.get(pos, SEQ);
    }

    byte state(int pos) {
        return (byte) (rows.get(pos, SIZES) >>> 40);
    }

    void setState(int pos, byte s) {
        long w = rows.get(pos, SIZES);
        rows.set(pos, SIZES, (w & 0xff_ffff_ffffL) | ((long) (s & 0xff) << 40));
    }

    boolean isLive(int pos) {
        return state(pos) == LIVE;
    }

    int payloadSize(int pos) {
        return Rows.low(rows.get(pos, SIZES));
    }

    int lastTurn(int pos) {
        return Rows.low(rows.get(pos, TURN));
    }

    void setLastTurn(int pos, int turnPlusOne) {
        rows.set(pos, TURN, Rows.pack(Rows.high(rows.get(pos, TURN)), turnPlusOne));
    }

    /** @return the node's slots by name, or null */
    Map<String, CheckpointSlot> slots(int pos) {
        Extra e = extras.get(pos);
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
        Extra e = extras.get(pos);
        if (e == null) {
            e = new Extra();
            extras.set(pos, e);
        }
        return e;
    }

    /** @return the memoized checkpoint at a node if it was resolved in this epoch, else null */
    Checkpoint resolved(int pos, long epoch) {
        long w = rows.get(pos, EPOCH);
        if (w == epoch + 1) {
            return resolved.get(pos);
        }
        return w == -(epoch + 1) ? Checkpoint.EMPTY : null;
    }

    /**
     * Memoizes the checkpoint at a node. An empty one, what every node of a session without slots
     * resolves to, is kept as the epoch's negation in the row alone: no reference is written, so a
     * commit spares the collector's write barrier on a chunk in the old generation (issue 19).
     */
    void setResolved(int pos, long epoch, Checkpoint c) {
        if (c.isEmpty()) {
            if (rows.get(pos, EPOCH) > 0) {
                resolved.set(pos, null); // an entry of an earlier epoch: no longer kept alive
            }
            rows.set(pos, EPOCH, -(epoch + 1));
            return;
        }
        resolved.set(pos, c);
        rows.set(pos, EPOCH, epoch + 1);
    }

    /** @return the node as reads return it while it is live: built once, with its hash, then kept */
    SessionNode view(int pos) {
        SessionNode v = views.get(pos);
        if (v == null) {
            byte[] payload = arena.copy(rows.get(pos, AT), payloadSize(pos));
            int p = parent(pos);
            Extra e = extras.get(pos);
            v = new SessionNode(id(pos), p < 0 ? Optional.empty() : Optional.of(id(p)),
                    kinds.get(Rows.high(rows.get(pos, TURN))), payload, e == null ? List.of() : e.attachments,
                    seq(pos), createdAt(pos), false, ContentHash.of(payload));
            views.set(pos, v);
        }
        return v;
    }

    /** @return the node as reads return it: the kept view, or for a tombstoned node a flagged copy */
    SessionNode readView(int pos) {
        SessionNode v = view(pos);
        if (state(pos) == LIVE) {
            return v;
        }
        return new SessionNode(v.nodeId(), v.parentNodeId(), v.kind(), v.payload(), v.attachments(), v.seq(),
                v.createdAt(), true, v.payloadHash());
    }

    Instant createdAt(int pos) {
        return Times.fromNanos(rows.get(pos, CREATED));
    }

    /** @return whether the node has attachments or checkpoint slots */
    boolean hasBlobs(int pos) {
        return extras.get(pos) != null;
    }

    /** Calls {@code sink} with the hash of every blob this node references. */
    void forEachBlob(int pos, Consumer<ContentHash> sink) {
        Extra e = extras.get(pos);
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
            if (state(i) == DETACHED) {
                moved[i] = -1;
                continue;
            }
            moved[i] = kept;
            if (kept != i) {
                rows.move(i, kept);
                extras.set(kept, extras.get(i));
                views.set(kept, views.get(i));
                resolved.set(kept, resolved.get(i));
            }
            int p = parent(kept);
            rows.set(kept, LINK, Rows.pack(depth(kept), p < 0 ? -1 : moved[p]));
            kept++;
        }
        int removed = size - kept;
        rows.clear(kept, size);
        extras.clear(kept, size);
        views.clear(kept, size);
        resolved.clear(kept, size);
        size = kept;
        byId.clear();
        for (int i = 0; i < size; i++) {
            byId.add(id(i).hashCode(), i);
        }
        return removed;
    }
}
