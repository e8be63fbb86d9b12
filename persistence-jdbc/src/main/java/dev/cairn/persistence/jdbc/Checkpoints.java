package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checkpoint resolution (SPEC rule 11) kept materialized, so it costs the same at any session length.
 *
 * <p>Every node stores {@code ck_nid}: the nearest node on its path (itself included) that has
 * checkpoint slots of its own. Such a node's own slots are its {@code checkpoints} rows; it stores in
 * {@code resolved_checkpoints} only the slots it inherits from its path (those resolved at its
 * parent that it does not set itself), so a commit that sets every slot the path has writes one row
 * per slot, not two (issue 17). A read or a commit result resolves a checkpoint with two primary-key
 * ranges at {@code ck_nid} ({@link Sql#resolved()}), an own slot winning. Committing slots at a
 * node that already has live descendants (after a rewind) re-resolves that subtree: rare, and
 * proportional to the subtree.
 */
public final class Checkpoints {
    private final Sql sql;
    /** Whether inherited slots are read and then written row by row instead of copied server-side. */
    private final boolean readInherited;
    /** {@link Sql#copyInherited()} for 0 to 7 slots, made on first use (a benign race: equal strings). */
    private final String[] copyInherited = new String[8];

    /**
     * The statements checkpoint resolution runs, in the provider's dialect. Tables and columns: see the
     * SQLite provider's {@code Schema} ({@code nodes.ck_nid}, {@code checkpoints}, {@code resolved_checkpoints}).
     *
     * @param resolved {@code (ck_nid, ck_nid) -> slot, node_id, hash, size, own}: the node's own slots
     *     ({@code own} = 1) and the inherited ones of {@code resolved_checkpoints} ({@code own} = 0)
     * @param upsertCheckpoint {@code (nid, slot, hash, size, codec, bytes)} into {@code checkpoints}, replacing
     *     (codec and bytes null for a value that is a row of {@code blobs})
     * @param setCk {@code (ck_nid, nid)}: sets a node's checkpoint pointer
     * @param upsertResolved {@code (nid, slot, node_id, hash, size)} into {@code resolved_checkpoints}, replacing
     * @param hasLiveChild {@code (nid)}: a row if the node has a live child
     * @param liveSubtree {@code (nid) -> nid, parent_nid, ck_nid, node_id} of its live descendants, parents first
     * @param ownCheckpoints {@code (nid) -> slot, hash, size} of {@code checkpoints}
     * @param deleteResolved {@code (nid)}: deletes the node's {@code resolved_checkpoints}
     * @param deleteResolvedSlot {@code (nid, slot)}: deletes one inherited slot of a node
     * @param copyInherited {@code (nid, ck_nid, ck_nid, slot...) -> slot, node_id, hash, size}: inserts into
     *     {@code resolved_checkpoints} for the node every slot resolved at {@code ck_nid} but the given ones,
     *     returning the rows inserted; {@code %s} stands for the slots' placeholders
     */
    public record Sql(String resolved, String upsertCheckpoint, String setCk, String upsertResolved,
                      String hasLiveChild, String liveSubtree, String ownCheckpoints, String deleteResolved,
                      String deleteResolvedSlot, String copyInherited) {
        /**
         * @param statement {@code (nid, slot, hash, size, codec, bytes)}, replacing the node's slot
         * @return these statements with that slot insert
         */
        public Sql withUpsertCheckpoint(String statement) {
            return new Sql(resolved, statement, setCk, upsertResolved, hasLiveChild, liveSubtree, ownCheckpoints,
                    deleteResolved, deleteResolvedSlot, copyInherited);
        }
    }

    /**
     * @param sql the provider's statements
     */
    public Checkpoints(Sql sql) {
        this(sql, false);
    }

    private Checkpoints(Sql sql, boolean readInherited) {
        this.sql = sql;
        this.readInherited = readInherited;
    }

    /**
     * The same resolution for an in-process database (SQLite), where a statement costs no round trip:
     * a commit reads the slots its head inherits ({@link Sql#resolved()}, one primary-key lookup) and
     * writes a {@code resolved_checkpoints} row only for each slot there is, instead of running
     * {@link Sql#copyInherited()}, whose {@code INSERT ... SELECT ... RETURNING} on the table it reads
     * costs about twice that lookup even when it copies nothing: the usual case, a commit that sets
     * every slot its path has (issue 17).
     *
     * @return this resolution with inherited slots read, then written
     */
    public Checkpoints readingInherited() {
        return new Checkpoints(sql, true);
    }

    /**
     * The same resolution with another statement for {@link Sql#upsertCheckpoint()}: SQLite's
     * {@code checkpoints} is a view whose insert trigger replaces a slot itself (a view takes no
     * {@code ON CONFLICT} clause).
     *
     * @param upsertCheckpoint {@code (nid, slot, hash, size, codec, bytes)}, replacing the node's slot
     * @return this resolution with that statement
     */
    public Checkpoints withUpsertCheckpoint(String upsertCheckpoint) {
        return new Checkpoints(sql.withUpsertCheckpoint(upsertCheckpoint), readInherited);
    }

    /**
     * @param resolved the prepared statement {@link Sql#resolved()}
     * @param ckNid a node's {@code ck_nid}, or 0 for none
     * @return the resolved slots, by name (a new, mutable map)
     */
    public static TreeMap<String, CheckpointSlot> resolved(PreparedStatement resolved, long ckNid) throws SQLException {
        TreeMap<String, CheckpointSlot> slots = new TreeMap<>();
        if (ckNid == 0) {
            return slots;
        }
        resolved.setLong(1, ckNid);
        resolved.setLong(2, ckNid);
        try (ResultSet rs = resolved.executeQuery()) {
            while (rs.next()) {
                String slot = rs.getString(1);
                CheckpointSlot s = new CheckpointSlot(slot, rs.getString(2), ref(rs.getBytes(3), rs.getLong(4)));
                if (rs.getInt(5) == 1) {
                    slots.put(slot, s);
                } else {
                    slots.putIfAbsent(slot, s);
                }
            }
        }
        return slots;
    }

    /**
     * @param digest a stored SHA-256
     * @param size the blob's size
     * @return the reference a read returns (media type {@link BlobRef#OCTET_STREAM})
     */
    public static BlobRef ref(byte[] digest, long size) {
        return new BlobRef(ContentHash.ofDigest(digest), size, BlobRef.OCTET_STREAM);
    }

    /**
     * Commits slots at a node: stores them as its own, re-resolves its checkpoint and, if it may have
     * live descendants, theirs. For a node that had no slots of its own (the usual case: the head
     * appended by the commit), the statements are one {@code checkpoints} upsert per slot, the
     * {@code ck_nid} update and one {@link Sql#copyInherited()} (none without an old checkpoint); their
     * parameters are the node's {@code nid}, its old {@code ck_nid} and the slots, never a value read
     * earlier in this method, and the result is built from the slots and the copied rows. With
     * {@link #readingInherited()}, the copy is one {@link Sql#resolved()} and an
     * {@link Sql#upsertResolved()} per inherited slot. A slot the node's insert stored already
     * ({@code slotInRow}, {@link CommitApply#ownSlotInInsert()}) has no upsert.
     *
     * @param tx the write transaction
     * @param nid the node (the head after the commit)
     * @param nodeId its id
     * @param ckNid its {@code ck_nid} before the commit (the one it inherited), or 0
     * @param slots the slots to commit
     * @param inline the stored form of the slot values kept in their row ({@link InlineSlots}), by slot;
     *     a slot not in it names a row of {@code blobs}
     * @param mayHaveChildren false only if the node is known to have no descendants
     * @param pointsAtItself whether the node's {@code ck_nid} is its own {@code nid} already, set by its
     *     insert ({@link CommitApply#ownCheckpointInInsert()}), while {@code ckNid} is still the one it
     *     inherited: the {@code ck_nid} update is left out
     * @param slotInRow the slot the node's insert stored already ({@link CommitApply#ownSlotInInsert()}):
     *     not written again
     * @param nowNs the commit's time
     * @return the checkpoint resolved at the node
     * @throws SQLException if a statement fails
     */
    public Checkpoint commit(Statements tx, long nid, String nodeId, long ckNid, Map<String, BlobRef> slots,
                             Map<String, Codec.Stored> inline, boolean mayHaveChildren, boolean pointsAtItself,
                             Optional<String> slotInRow, long nowNs) throws SQLException {
        if (ckNid == nid) {
            InlineSlots.keepReplaced(tx, nid, slots, nowNs);
        }
        PreparedStatement own = null;
        for (Map.Entry<String, BlobRef> e : slots.entrySet()) {
            if (slotInRow.isPresent() && slotInRow.get().equals(e.getKey())) {
                continue;
            }
            if (own == null) {
                own = tx.ps(sql.upsertCheckpoint());
            }
            BlobRef ref = e.getValue();
            Codec.Stored value = inline.get(e.getKey());
            own.setLong(1, nid);
            own.setString(2, e.getKey());
            own.setBytes(3, ref.hash().toBytes());
            own.setLong(4, ref.size());
            if (value == null) {
                own.setNull(5, Types.INTEGER);
                own.setNull(6, Types.BINARY);
            } else {
                own.setInt(5, value.codec());
                own.setBytes(6, value.bytes());
            }
            own.executeUpdate();
        }
        TreeMap<String, CheckpointSlot> map;
        if (ckNid != nid) {
            if (!pointsAtItself) {
                PreparedStatement setCk = tx.ps(sql.setCk());
                setCk.setLong(1, nid);
                setCk.setLong(2, nid);
                setCk.executeUpdate();
            }
            if (ckNid == 0) {
                map = new TreeMap<>();
            } else if (readInherited) {
                map = resolved(tx.ps(sql.resolved()), ckNid);
                map.keySet().removeAll(slots.keySet());
                writeResolved(tx, nid, map.values());
            } else {
                map = copyInherited(tx, nid, ckNid, slots.keySet());
            }
            for (Map.Entry<String, BlobRef> e : slots.entrySet()) {
                BlobRef ref = e.getValue();
                map.put(e.getKey(), new CheckpointSlot(e.getKey(), nodeId, ref(ref.hash().toBytes(), ref.size())));
            }
        } else {
            // Slots the node inherited until now and sets itself from now on: their inherited rows go.
            PreparedStatement delete = tx.ps(sql.deleteResolvedSlot());
            for (String slot : slots.keySet()) {
                delete.setLong(1, nid);
                delete.setString(2, slot);
                delete.executeUpdate();
            }
            map = resolved(tx.ps(sql.resolved()), nid);
        }
        if (mayHaveChildren && hasLiveChild(tx, nid)) {
            propagate(tx, nid, map);
        }
        return new Checkpoint(map);
    }

    /**
     * Copies to a node, server-side, the slots resolved at its old checkpoint node that it does not set
     * ({@link Sql#copyInherited()}), returning them.
     */
    private TreeMap<String, CheckpointSlot> copyInherited(Statements tx, long nid, long ckNid, Set<String> set)
            throws SQLException {
        PreparedStatement ps = tx.ps(copyInheritedSql(set.size()));
        ps.setLong(1, nid);
        ps.setLong(2, ckNid);
        ps.setLong(3, ckNid);
        int i = 4;
        for (String slot : set) {
            ps.setString(i++, slot);
        }
        TreeMap<String, CheckpointSlot> map = new TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String slot = rs.getString(1);
                map.put(slot, new CheckpointSlot(slot, rs.getString(2), ref(rs.getBytes(3), rs.getLong(4))));
            }
        }
        return map;
    }

    private String copyInheritedSql(int slots) {
        if (slots < copyInherited.length) {
            String cached = copyInherited[slots];
            if (cached == null) {
                cached = sql.copyInherited().formatted(placeholders(slots));
                copyInherited[slots] = cached;
            }
            return cached;
        }
        return sql.copyInherited().formatted(placeholders(slots));
    }

    private static String placeholders(int n) {
        StringBuilder b = new StringBuilder(3 * n);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "?" : ", ?");
        }
        return b.toString();
    }

    private void writeResolved(Statements tx, long nid, Iterable<CheckpointSlot> slots) throws SQLException {
        PreparedStatement ps = null;
        for (CheckpointSlot s : slots) {
            if (ps == null) {
                ps = tx.ps(sql.upsertResolved());
            }
            ps.setLong(1, nid);
            ps.setString(2, s.slot());
            ps.setString(3, s.nodeId());
            ps.setBytes(4, s.blob().hash().toBytes());
            ps.setLong(5, s.blob().size());
            ps.executeUpdate();
        }
    }

    private boolean hasLiveChild(Statements tx, long nid) throws SQLException {
        PreparedStatement ps = tx.ps(sql.hasLiveChild());
        ps.setLong(1, nid);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private record SubtreeRow(long nid, long parentNid, long ckNid, String nodeId) {
    }

    /** Re-resolves the live descendants of a node whose own slots changed, parents first. */
    private void propagate(Statements tx, long root, Map<String, CheckpointSlot> rootMap) throws SQLException {
        List<SubtreeRow> rows = new ArrayList<>();
        PreparedStatement sub = tx.ps(sql.liveSubtree());
        sub.setLong(1, root);
        try (ResultSet rs = sub.executeQuery()) {
            while (rs.next()) {
                rows.add(new SubtreeRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4)));
            }
        }
        Map<Long, Long> effective = new HashMap<>();
        Map<Long, Map<String, CheckpointSlot>> maps = new HashMap<>();
        effective.put(root, root);
        maps.put(root, rootMap);
        PreparedStatement setCk = tx.ps(sql.setCk());
        for (SubtreeRow r : rows) {
            long parentCk = effective.get(r.parentNid());
            if (r.ckNid() == r.nid()) {
                TreeMap<String, CheckpointSlot> map = new TreeMap<>(maps.get(parentCk));
                PreparedStatement own = tx.ps(sql.ownCheckpoints());
                own.setLong(1, r.nid());
                try (ResultSet rs = own.executeQuery()) {
                    while (rs.next()) {
                        String slot = rs.getString(1);
                        map.put(slot, new CheckpointSlot(slot, r.nodeId(), ref(rs.getBytes(2), rs.getLong(3))));
                    }
                }
                PreparedStatement delete = tx.ps(sql.deleteResolved());
                delete.setLong(1, r.nid());
                delete.executeUpdate();
                List<CheckpointSlot> inherited = new ArrayList<>(map.size());
                for (CheckpointSlot s : map.values()) {
                    if (!s.nodeId().equals(r.nodeId())) {
                        inherited.add(s);
                    }
                }
                writeResolved(tx, r.nid(), inherited);
                effective.put(r.nid(), r.nid());
                maps.put(r.nid(), map);
            } else {
                if (r.ckNid() != parentCk) {
                    setCk.setLong(1, parentCk);
                    setCk.setLong(2, r.nid());
                    setCk.executeUpdate();
                }
                effective.put(r.nid(), parentCk);
            }
        }
    }
}
