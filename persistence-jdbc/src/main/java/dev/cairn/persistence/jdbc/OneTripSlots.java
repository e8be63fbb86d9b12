package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.RuntimeCommit;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * The checkpoint slots of a commit in {@link OneTripCommit}'s one round trip (issue 17): the usual
 * state commit, whose slots are set at a head the commit appends, with every value small enough to be
 * kept in its row ({@link InlineSlots}), so no blob row needs a lock or an insert. The statements are
 * {@link Checkpoints#commit}'s for that case, with the head's {@code nid} found by its id in the
 * session: the slot rows, the copy of the slots the head inherits (from its {@code ck_nid}, still the
 * inherited one), then the head's {@code ck_nid} set to itself. The head's checkpoint read and the
 * idempotency key that {@link OneTripCommit} sends after them see the result. Any other commit with
 * slots (a head already stored, which may have slots or children of its own; a large value) is not
 * taken: {@link CommitApply} applies it.
 */
public final class OneTripSlots {
    private OneTripSlots() {
    }

    private static final String HEAD_NID = "(SELECT n.nid FROM ~nodes n WHERE n.sid = ? AND n.node_id = ? LIMIT 1)";

    /** The slot rows at the head: (slots, hashes, sizes, codecs, bytes, sid, head id). */
    public static final String INSERT_SLOTS = "INSERT INTO ~checkpoints (nid, slot, hash, size, codec, bytes)"
            + " SELECT h.nid, t.slot, t.h, t.s, t.c, t.b FROM unnest(?::text[], ?::bytea[], ?::bigint[], ?::int[],"
            + " ?::bytea[]) AS t(slot, h, s, c, b) JOIN LATERAL " + HEAD_NID + " h ON true";

    /**
     * The slots the head inherits, resolved at its {@code ck_nid} before {@link #SET_CK} (so not its own),
     * but those it sets: (sid, head id, slots).
     */
    public static final String COPY_INHERITED = "INSERT INTO ~resolved_checkpoints (nid, slot, node_id, hash, size)"
            + " SELECT h.nid, r.slot, r.node_id, r.hash, r.size FROM (SELECT n.nid, n.ck_nid FROM ~nodes n"
            + " WHERE n.sid = ? AND n.node_id = ? LIMIT 1) h JOIN LATERAL ("
            + Sql.RESOLVED.replace("?", "h.ck_nid") + ") r(slot, node_id, hash, size, own) ON true"
            + " WHERE NOT (r.slot = ANY(?::text[]))";

    /** The head has slots of its own now: (sid, head id). */
    public static final String SET_CK = "UPDATE ~nodes SET ck_nid = nid WHERE nid = " + HEAD_NID;

    /**
     * @param commit a commit
     * @param prepared its prepared form
     * @return whether its slots, if any, can go in the one round trip
     */
    static boolean takes(RuntimeCommit commit, PreparedCommit prepared) {
        Map<String, BlobRef> slots = commit.checkpoint();
        if (slots.isEmpty()) {
            return true;
        }
        Optional<String> head = commit.head();
        if (head.isEmpty() || prepared.inline().size() != slots.size()) {
            return false;
        }
        boolean appended = false;
        for (PreparedCommit.Node pn : prepared.nodes()) {
            NewNode n = pn.node();
            if (n.parentNodeId().filter(head.get()::equals).isPresent()) {
                return false; // the head has a child in the commit: Checkpoints re-resolves it
            }
            appended |= n.nodeId().equals(head.get());
        }
        return appended;
    }

    /**
     * Adds the slot statements, after the nodes.
     *
     * @param b the batch
     * @param c the connection, for arrays
     * @param commit the commit ({@link #takes} it)
     * @param prepared its prepared form
     * @param sid the session's key
     * @throws SQLException if an array cannot be made
     */
    static void add(OneTripStatement b, Connection c, RuntimeCommit commit, PreparedCommit prepared, long sid)
            throws SQLException {
        Map<String, BlobRef> slots = commit.checkpoint();
        if (slots.isEmpty()) {
            return;
        }
        int k = slots.size();
        String[] names = new String[k];
        byte[][] hashes = new byte[k][];
        Long[] sizes = new Long[k];
        Integer[] codecs = new Integer[k];
        byte[][] bytes = new byte[k][];
        int i = 0;
        for (Map.Entry<String, BlobRef> slot : slots.entrySet()) {
            Codec.Stored value = prepared.inline().get(slot.getKey());
            names[i] = slot.getKey();
            hashes[i] = slot.getValue().hash().toBytes();
            sizes[i] = slot.getValue().size();
            codecs[i] = value.codec();
            bytes[i] = value.bytes();
            i++;
        }
        String head = commit.head().orElseThrow();
        b.add(INSERT_SLOTS, c.createArrayOf("text", names), c.createArrayOf("bytea", hashes),
                c.createArrayOf("int8", sizes), c.createArrayOf("int4", codecs), c.createArrayOf("bytea", bytes),
                sid, head);
        b.add(COPY_INHERITED, sid, head, c.createArrayOf("text", names));
        b.add(SET_CK, sid, head);
    }

    /**
     * Reads the slot statements' results, in the order {@link #add} sent them.
     *
     * @param r the results
     * @param commit the commit
     * @return false at an anomaly (a slot row or the head's pointer not written)
     * @throws SQLException if a result cannot be read
     */
    static boolean check(OneTripStatement.Results r, RuntimeCommit commit) throws SQLException {
        if (commit.checkpoint().isEmpty()) {
            return true;
        }
        boolean slots = r.updateCount() == commit.checkpoint().size();
        r.updateCount(); // the inherited rows: any number
        return r.updateCount() == 1 && slots;
    }
}
