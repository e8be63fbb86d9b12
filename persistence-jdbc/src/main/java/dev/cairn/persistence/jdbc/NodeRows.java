package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whole-history reads of the durable providers (issue 19): the session's node rows come from one
 * indexed scan, with no join and no sort in the database; the parent's id, the commit order and the
 * walk from a leaf up to its root are done here, and only the rows a read returns are decoded (and
 * their payloads checked).
 *
 * <p>The scan's columns, in order: {@code nid, node_id, parent_nid, kind, codec, payload,
 * payload_size, payload_hash, attachments, seq, created_at, state} ({@code parent_nid} NULL for a root).
 * The usage records of such a read ({@link Sql#ALL_USAGE}) take their node's id from these rows.
 */
final class NodeRows {
    private NodeRows() {
    }

    /**
     * A node row as stored, not yet decoded.
     *
     * @param nid the row's key
     * @param nodeId the node's id
     * @param parentNid the parent's row key, 0 for a root
     * @param kind the kind's name
     * @param codec the payload's codec
     * @param payload the stored payload bytes
     * @param payloadSize the payload's decoded size
     * @param digest the payload's SHA-256
     * @param attachments the encoded attachment references, or null
     * @param seq the node's seq
     * @param createdAt nanoseconds since the epoch
     * @param state 0 live, 1 tombstoned, 2 detached
     */
    public record Stored(long nid, String nodeId, long parentNid, String kind, int codec, byte[] payload,
                         long payloadSize, byte[] digest, byte[] attachments, long seq, long createdAt, int state) {
        /**
         * Decodes the row, verifying its payload.
         *
         * @param byNid the scanned rows, for the parent's id
         * @return the node as a read returns it
         */
        public SessionNode decode(NidMap<Stored> byNid) {
            Stored parent = parentNid == 0 ? null : byNid.get(parentNid);
            // The messages are built only on failure: quoting every row's id cost more than its payload check.
            byte[] bytes = Codec.decode(codec, payload, payloadSize, digest, () -> "the payload of node " + Ids.quote(nodeId));
            List<BlobRef> refs = attachments == null ? List.of()
                    : Encoding.decodeRefs(attachments, "node " + Ids.quote(nodeId));
            return new SessionNode(nodeId, parent == null ? Optional.empty() : Optional.of(parent.nodeId), NodeKind.of(kind),
                    bytes, refs, seq, Times.fromNanos(createdAt), state == 1, ContentHash.ofDigest(digest));
        }
    }

    /**
     * Runs a bound scan.
     *
     * @param ps the scan, its parameters set
     * @return the rows by {@code nid}
     * @throws SQLException if the read fails
     */
    public static NidMap<Stored> scan(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return scan(rs);
        }
    }

    /**
     * @param rs the scan's rows
     * @return the rows by {@code nid}
     * @throws SQLException if the read fails
     */
    public static NidMap<Stored> scan(ResultSet rs) throws SQLException {
        NidMap<Stored> out = new NidMap<>(256);
        Repeats kinds = new Repeats();
        while (rs.next()) {
            Stored r = new Stored(rs.getLong(1), text(rs, 2), rs.getLong(3), kinds.text(rs.getBytes(4)), rs.getInt(5),
                    rs.getBytes(6), rs.getLong(7), rs.getBytes(8), rs.getBytes(9), rs.getLong(10), rs.getLong(11),
                    rs.getInt(12));
            out.put(r.nid(), r);
        }
        return out;
    }

    /**
     * @param byNid the scanned rows
     * @param maxState the highest state to keep (0 live, 1 with tombstones)
     * @return the rows up to that state, in commit order
     */
    public static List<Stored> inCommitOrder(NidMap<Stored> byNid, int maxState) {
        List<Stored> out = new ArrayList<>(byNid.size());
        for (Stored r : byNid.values()) { // in scan order
            if (r.state() <= maxState) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparingLong(Stored::seq));
        return out;
    }

    /**
     * @param byNid the scanned rows (every state: a live node's parent may be tombstoned)
     * @param leafNid the leaf's row key
     * @return the path from a root to the leaf, root first; empty if the leaf was not scanned
     * @throws StoreCorruptedException if a parent on the path is not a row of the session
     */
    public static List<Stored> pathTo(NidMap<Stored> byNid, long leafNid) {
        List<Stored> up = new ArrayList<>();
        for (Stored r = byNid.get(leafNid); r != null; r = r.parentNid() == 0 ? null : byNid.get(r.parentNid())) {
            if (r.parentNid() != 0 && !byNid.containsKey(r.parentNid())) {
                throw new StoreCorruptedException("Node " + Ids.quote(r.nodeId())
                        + " names a parent that is not a node of its session");
            }
            up.add(r);
            if (up.size() > byNid.size()) {
                throw new StoreCorruptedException("The parents of node " + Ids.quote(r.nodeId()) + " form a cycle");
            }
        }
        List<Stored> out = new ArrayList<>(up.size());
        for (int i = up.size() - 1; i >= 0; i--) {
            out.add(up.get(i));
        }
        return out;
    }

    /**
     * A text column's value as {@code getString} gives it, through {@code getBytes}: both drivers hand
     * over a text's UTF-8 bytes as they are, and sqlite-jdbc's {@code getString} costs about twice its
     * {@code getBytes} (a direct buffer made through JNI per value; issue 19's third pass).
     *
     * @param rs a row
     * @param column a text column of it
     * @return the text, null if SQL NULL
     * @throws SQLException if the read fails
     */
    static String text(ResultSet rs, int column) throws SQLException {
        byte[] utf8 = rs.getBytes(column);
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    /**
     * @param rows the rows a read returns
     * @return their ids by {@code nid}, for {@link #wholeTurns}
     */
    static NidMap<String> idsByNid(List<Reads.Row> rows) {
        NidMap<String> ids = new NidMap<>(rows.size());
        for (Reads.Row r : rows) {
            ids.put(r.nid(), r.node().nodeId());
        }
        return ids;
    }

    /**
     * Maps rows of {@link Sql#ALL_USAGE}: only the records of the returned nodes, each with its node's id.
     *
     * @param rs the rows
     * @param ids the returned nodes' ids by {@code nid}
     * @return the entries in commit order
     * @throws SQLException if the read fails
     */
    static List<UsageEntry> wholeTurns(ResultSet rs, NidMap<String> ids) throws SQLException {
        List<UsageEntry> out = new ArrayList<>(ids.size());
        Repeats models = new Repeats();
        while (rs.next()) {
            String nodeId = ids.get(rs.getLong(1));
            if (nodeId != null) {
                out.add(new UsageEntry(rs.getLong(2), nodeId, models.text(rs.getBytes(3)),
                        new TokenUsage(rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)),
                        Times.fromNanos(rs.getLong(8))));
            }
        }
        return out;
    }

    /**
     * The few texts a column repeats row after row (a node's kind, a record's model), each decoded once
     * per read: the last {@value #KEPT} distinct values are compared by their bytes before a new string is made.
     */
    static final class Repeats {
        static final int KEPT = 8;
        private final byte[][] bytes = new byte[KEPT][];
        private final String[] texts = new String[KEPT];
        private int next;

        /**
         * @param utf8 a text column's bytes, or null
         * @return the text, null for null; the same string for the same bytes
         */
        String text(byte[] utf8) {
            if (utf8 == null) {
                return null;
            }
            for (int i = 0; i < KEPT && bytes[i] != null; i++) {
                if (Arrays.equals(bytes[i], utf8)) {
                    return texts[i];
                }
            }
            String text = new String(utf8, StandardCharsets.UTF_8);
            int slot = next++ % KEPT;
            bytes[slot] = utf8;
            texts[slot] = text;
            return text;
        }
    }
}
