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
 * One stored node of one session. Mutable fields are guarded by the session's lock, or by the
 * backend's write lock for gc and vacuum.
 *
 * <p>The payload is not copied at commit: the node keeps the immutable {@link NewNode} that owns a
 * private copy, and builds its {@link SessionNode} view (one copy, plus the SHA-256) at the first
 * read. The view is immutable, so later reads return it as it is.
 */
final class Node {
    static final byte LIVE = 0;
    static final byte TOMBSTONED = 1;
    static final byte DETACHED = 2;

    final String id;
    final Optional<String> parentId;
    /** The parent node, or null for a root. */
    final Node parent;
    final NodeKind kind;
    final List<BlobRef> attachments;
    final long seq;
    /** Nodes on the path from a root to this node, this one included. */
    final int depth;
    final Instant createdAt;
    byte state = LIVE;

    /** Owns the payload until {@link #view()} has copied it out; then null. */
    private NewNode pending;
    /** The live view, built at the first read. */
    private SessionNode view;

    /** Checkpoint slots committed at this node, by slot name; null when none. */
    Map<String, CheckpointSlot> slots;
    /** The checkpoint resolved at this node, valid while {@link #resolvedEpoch} is the session's. */
    Checkpoint resolved;
    long resolvedEpoch = -1;
    /** Usage entries recorded for this node: null when none, a {@link Turn} for one, a {@code Turn[]} for more. */
    Object turns;

    Node(NewNode source, Node parent, long seq, Instant createdAt) {
        this.id = source.nodeId();
        this.parentId = source.parentNodeId();
        this.parent = parent;
        this.kind = source.kind();
        this.attachments = source.attachments();
        this.seq = seq;
        this.depth = parent == null ? 1 : parent.depth + 1;
        this.createdAt = createdAt;
        this.pending = source;
    }

    private Node(Node source, Node parent, long seq) {
        this.id = source.id;
        this.parentId = source.parentId;
        this.parent = parent;
        this.kind = source.kind;
        this.attachments = source.attachments;
        this.seq = seq;
        this.depth = parent == null ? 1 : parent.depth + 1;
        this.createdAt = source.createdAt;
        if (source.pending != null) {
            this.pending = source.pending;
        } else {
            SessionNode v = source.view;
            this.view = new SessionNode(id, parentId, kind, v.payload(), attachments, seq, createdAt, false,
                    v.payloadHash());
        }
        if (source.slots != null) {
            this.slots = new HashMap<>(source.slots);
        }
    }

    /**
     * Copies this node into a fork: same id, parent id, kind, payload, attachments, createdAt and
     * slots; a new seq; no usage.
     */
    Node copyInto(Node parentCopy, long newSeq) {
        return new Node(this, parentCopy, newSeq);
    }

    boolean isLive() {
        return state == LIVE;
    }

    /** @return the node as reads return it while it is live */
    SessionNode view() {
        SessionNode v = view;
        if (v == null) {
            byte[] payload = pending.payload();
            v = new SessionNode(id, parentId, kind, payload, attachments, seq, createdAt, false,
                    ContentHash.of(payload));
            view = v;
            pending = null;
        }
        return v;
    }

    /** @return the node as reads return it: the cached view, or for a tombstoned node a flagged copy */
    SessionNode readView() {
        SessionNode v = view();
        if (state == LIVE) {
            return v;
        }
        return new SessionNode(id, parentId, kind, v.payload(), attachments, seq, createdAt, true, v.payloadHash());
    }

    int payloadSize() {
        return pending != null ? pending.payloadSize() : view.payloadSize();
    }

    void putSlot(String slot, BlobRef blob) {
        if (slots == null) {
            slots = new HashMap<>(4);
        }
        slots.put(slot, new CheckpointSlot(slot, id, blob));
    }

    void addTurn(Turn turn) {
        Object t = turns;
        if (t == null) {
            turns = turn;
        } else if (t instanceof Turn one) {
            turns = new Turn[] {one, turn};
        } else {
            Turn[] many = (Turn[]) t;
            Turn[] grown = Arrays.copyOf(many, many.length + 1);
            grown[many.length] = turn;
            turns = grown;
        }
    }

    /** Adds this node's usage entries to {@code sink}. */
    void collectTurns(List<Turn> sink) {
        Object t = turns;
        if (t instanceof Turn one) {
            sink.add(one);
        } else if (t != null) {
            sink.addAll(Arrays.asList((Turn[]) t));
        }
    }

    /** Calls {@code sink} with the hash of every blob this node references. */
    void forEachBlob(Consumer<ContentHash> sink) {
        for (int i = 0, n = attachments.size(); i < n; i++) {
            sink.accept(attachments.get(i).hash());
        }
        if (slots != null) {
            for (CheckpointSlot s : slots.values()) {
                sink.accept(s.blob().hash());
            }
        }
    }
}
