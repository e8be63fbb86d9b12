package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewBlob;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Small checkpoint slot values kept in the slot's own row (issue 17, SPEC "Decisions"): a value of at
 * most {@link #MAX_BYTES} bytes is stored (in its {@link Codec} form) in the {@code codec} and
 * {@code bytes} columns of its {@code checkpoints} row, not as a row of {@code blobs}. A slot commit
 * then writes one row and one hash-index entry per slot instead of two rows and two entries, which is
 * about a third of a state commit's cost on SQLite. Larger values, and every attachment, stay
 * content-addressed in {@code blobs}, stored once per factory.
 *
 * <p>The invariant the readers and gc rely on: a {@code checkpoints} row either carries its value
 * ({@code bytes} not null, self-contained: it goes with its row) or names a blob that the
 * {@code blobs} table holds, which gc keeps while the row references it. A row inherited through
 * {@code resolved_checkpoints} names the value by hash, which {@link Sql#LOAD_BLOB} finds in
 * {@code blobs} or in any {@code checkpoints} row that carries it (the bytes are verified against the
 * hash). Rows written before this schema name their blob (bytes null) and keep working.
 */
public final class InlineSlots {
    private InlineSlots() {
    }

    /**
     * The largest slot value, in uncompressed bytes, kept in its {@code checkpoints} row: 2 KiB, so a
     * row stays within a SQLite page (values of 512 bytes and more are zstd-compressed first) and
     * typical agent state (an ADK session's state, a LangGraph4j checkpoint) fits.
     */
    public static final int MAX_BYTES = 2048;

    /** {@code (hash) -> size, codec, bytes} of the rows of nodes that are not detached that carry a value. */
    static final String CARRIED = "SELECT c.size, c.codec, c.bytes FROM ~checkpoints c JOIN ~nodes n ON n.nid = c.nid"
            + " WHERE c.hash = ? AND c.bytes IS NOT NULL AND n.state < 2";
    /** The values carried by the rows of tombstoned nodes, which gc is about to detach: {@code -> hash, size}. */
    public static final String DETACHING = "SELECT c.hash, c.size FROM ~nodes n JOIN ~checkpoints c"
            + " ON c.nid = n.nid WHERE n.state = 1 AND c.bytes IS NOT NULL";
    /** {@code (hash, hash)}: a row if the value is still stored (a row of blobs, or carried by a row of a node not detached). */
    public static final String STILL_STORED = "SELECT 1 FROM ~blobs WHERE hash = ? UNION ALL SELECT 1 FROM (" + CARRIED
            + ") x LIMIT 1";

    /** {@code (hash, created_at, hash) -> size}: copies a value carried by a slot row into {@code blobs}. */
    public static final String PROMOTE = "INSERT INTO ~blobs (hash, size, codec, bytes, created_at)"
            + " SELECT ?::bytea, x.size, x.codec, x.bytes, ?::bigint FROM (" + CARRIED + " LIMIT 1) x WHERE true"
            + " ON CONFLICT (hash) DO NOTHING RETURNING size";

    /**
     * Rule 6 for a value the session references only through a slot row that carries it, named now
     * without its bytes (by an attachment): it is copied into {@code blobs}, where attachments and
     * large values live, so the new reference does not depend on the slot row.
     *
     * @param tx the write transaction
     * @param hash the value
     * @param nowNs the commit's time
     * @return the value's size, or -1 if no slot row of a node that is not detached carries it
     * @throws SQLException if the statement fails
     */
    static long promote(Statements tx, ContentHash hash, long nowNs) throws SQLException {
        PreparedStatement ps = tx.ps(PROMOTE);
        ps.setBytes(1, hash.toBytes());
        ps.setLong(2, nowNs);
        ps.setBytes(3, hash.toBytes());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /**
     * @param ref a slot's blob
     * @param carried the commit's carried blobs
     * @return the value's bytes when the commit carries it, with the size the reference says, and it
     *     is at most {@link #MAX_BYTES}: then it is kept inline. A slot set through the builder always
     *     carries its value; one that did not would name a row of {@code blobs} (rule 6)
     */
    static Optional<byte[]> carriedValue(BlobRef ref, Map<ContentHash, NewBlob> carried) {
        if (ref.size() > MAX_BYTES) {
            return Optional.empty();
        }
        NewBlob blob = carried.get(ref.hash());
        if (blob == null || blob.size() != ref.size()) {
            return Optional.empty();
        }
        return Optional.of(blob.bytes());
    }

    /** {@code (created_at, nid, slot, hash)}: copies the value a slot row carries into {@code blobs}, unless it is the given one. */
    public static final String KEEP_REPLACED = "INSERT INTO ~blobs (hash, size, codec, bytes, created_at)"
            + " SELECT hash, size, codec, bytes, ?::bigint FROM ~checkpoints WHERE nid = ? AND slot = ?"
            + " AND bytes IS NOT NULL AND hash <> ? ON CONFLICT (hash) DO NOTHING";

    /**
     * Before slots are committed again at a node that has slots of its own (rare: the usual slot commit
     * is at a new head): the values its rows carry and the commit replaces become rows of {@code blobs},
     * so that a replaced value stays stored until gc, as a replaced blob does (rule 16).
     *
     * @param tx the write transaction
     * @param nid the node
     * @param slots the slots about to be committed
     * @param nowNs the commit's time
     * @throws SQLException if a statement fails
     */
    static void keepReplaced(Statements tx, long nid, Map<String, BlobRef> slots, long nowNs) throws SQLException {
        PreparedStatement ps = tx.ps(KEEP_REPLACED);
        for (Map.Entry<String, BlobRef> slot : slots.entrySet()) {
            ps.setLong(1, nowNs);
            ps.setLong(2, nid);
            ps.setString(3, slot.getKey());
            ps.setBytes(4, slot.getValue().hash().toBytes());
            ps.executeUpdate();
        }
    }

    /**
     * Runs gc's detach statement and counts the inline values it takes away: those that only rows of the
     * nodes it detaches carried and that no row of {@code blobs} holds (a row of {@code blobs} is counted by
     * the sweep that deletes it), so {@link dev.cairn.persistence.GcReport} counts values the same
     * whether they were kept inline or not.
     *
     * @param tx gc's detach transaction
     * @param detach the statement that detaches the tombstoned nodes
     * @return {nodes detached, values gone, their bytes}
     * @throws SQLException if a statement fails
     */
    static long[] detach(Statements tx, String detach) throws SQLException {
        // Distinct in Java, by the hash's bytes: SQLite plans a DISTINCT over its checkpoints view as a scan
        // of the whole view.
        Map<ByteBuffer, Long> values = new LinkedHashMap<>();
        try (ResultSet rs = tx.ps(DETACHING).executeQuery()) {
            while (rs.next()) {
                values.putIfAbsent(ByteBuffer.wrap(rs.getBytes(1)), rs.getLong(2));
            }
        }
        long[] out = {tx.ps(detach).executeUpdate(), 0, 0};
        PreparedStatement still = tx.ps(STILL_STORED);
        for (Map.Entry<ByteBuffer, Long> value : values.entrySet()) {
            byte[] hash = value.getKey().array();
            still.setBytes(1, hash);
            still.setBytes(2, hash);
            try (ResultSet rs = still.executeQuery()) {
                if (!rs.next()) {
                    out[1]++;
                    out[2] += value.getValue();
                }
            }
        }
        return out;
    }
}
