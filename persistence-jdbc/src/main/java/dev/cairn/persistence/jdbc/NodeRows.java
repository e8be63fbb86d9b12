package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whole-history reads of the durable providers (issue 19): the session's node rows come from one
 * indexed scan, with no join and no sort in the database; the parent's id, the commit order and the
 * walk from a leaf up to its root are done here, and only the rows a read returns are decoded (and
 * their payloads checked).
 *
 * <p>The scans are {@link Sql#ALL_NODES} and {@link Sql#ALL_USAGE}: their small columns come as one
 * line of text per row, parsed here, because each column a driver hands over costs a call into it.
 */
final class NodeRows {
    private NodeRows() {
    }

    /**
     * A node row as stored, not yet decoded.
     *
     * @param nid the row's key
     * @param parentNid the parent's row key, 0 for a root
     * @param codec the payload's codec
     * @param payloadSize the payload's decoded size
     * @param seq the node's seq
     * @param createdAt nanoseconds since the epoch
     * @param state 0 live, 1 tombstoned, 2 detached
     * @param kind the kind's name
     * @param nodeId the node's id
     * @param payload the stored payload bytes
     * @param digest the payload's SHA-256
     * @param attachments the encoded attachment references, or null
     */
    public record Stored(long nid, long parentNid, long codec, long payloadSize, long seq, long createdAt, long state,
                         String kind, String nodeId, byte[] payload, byte[] digest, byte[] attachments) {
        /**
         * Decodes the row, verifying its payload.
         *
         * @param byNid the scanned rows, for the parent's id
         * @return the node as a read returns it
         */
        public SessionNode decode(Map<Long, Stored> byNid) {
            Stored parent = parentNid == 0 ? null : byNid.get(parentNid);
            // The messages are built only on failure: quoting every row's id cost more than its payload check.
            byte[] bytes = Codec.decode((int) codec, payload, payloadSize, digest, () -> "the payload of node " + Ids.quote(nodeId));
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
    public static Map<Long, Stored> scan(PreparedStatement ps) throws SQLException {
        Map<Long, Stored> out = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Line l = new Line(rs.getString(1));
                Stored r = new Stored(l.next(), l.next(), l.next(), l.next(), l.next(), l.next(), l.next(), l.word(),
                        l.rest(), rs.getBytes(2), rs.getBytes(3), rs.getBytes(4));
                out.put(r.nid(), r);
            }
        }
        return out;
    }

    /**
     * Runs a bound {@link Sql#ALL_USAGE}.
     *
     * @param ps the scan, its parameters set
     * @param ids the {@code nid} and node id of each node whose entries to keep
     * @return those entries, in the scan's order
     * @throws SQLException if the read fails
     */
    public static List<UsageEntry> turns(PreparedStatement ps, Map<Long, String> ids) throws SQLException {
        List<UsageEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String nodeId = ids.get(rs.getLong(1));
                if (nodeId == null) {
                    continue;
                }
                Line l = new Line(rs.getString(2));
                long revision = l.next();
                TokenUsage u = new TokenUsage(l.next(), l.next(), l.next(), l.next());
                long recordedAt = l.next();
                out.add(new UsageEntry(revision, nodeId, l.rest(), u, Times.fromNanos(recordedAt)));
            }
        }
        return out;
    }

    /** A row's line of space-separated integers, then text that runs to its end. */
    private static final class Line {
        private final String text;
        private int at;

        Line(String text) {
            if (text == null) {
                throw new StoreCorruptedException("A node or usage row has a NULL column that cannot be NULL");
            }
            this.text = text;
        }

        long next() {
            int n = text.length();
            boolean negative = at < n && text.charAt(at) == '-';
            int i = negative ? at + 1 : at;
            int start = i;
            long v = 0;
            for (; i < n && text.charAt(i) != ' '; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || i - start >= 19) {
                    throw bad();
                }
                v = v * 10 + (c - '0');
            }
            if (i == start || i == n) {
                throw bad();
            }
            at = i + 1;
            return negative ? -v : v;
        }

        /** @return the text up to the next space */
        String word() {
            int end = text.indexOf(' ', at);
            if (end < 0) {
                throw bad();
            }
            String w = text.substring(at, end);
            at = end + 1;
            return w;
        }

        String rest() {
            return text.substring(at);
        }

        private StoreCorruptedException bad() {
            return new StoreCorruptedException("A stored row cannot be read: " + Ids.quote(text));
        }
    }

    /**
     * @param byNid the scanned rows
     * @param maxState the highest state to keep (0 live, 1 with tombstones)
     * @return the rows up to that state, in commit order
     */
    public static List<Stored> inCommitOrder(Map<Long, Stored> byNid, int maxState) {
        List<Stored> out = new ArrayList<>(byNid.size());
        for (Stored r : byNid.values()) {
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
    public static List<Stored> pathTo(Map<Long, Stored> byNid, long leafNid) {
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
}
