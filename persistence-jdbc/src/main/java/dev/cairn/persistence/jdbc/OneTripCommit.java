package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The optimistic path of a commit for a database that takes several statements in one round trip
 * (PostgreSQL through pgjdbc: one {@code PreparedStatement} of {@code ;}-separated statements is sent
 * with one Sync): the commit's rows as arrays, every statement's parameters known before anything is
 * sent ({@link OneTripSql}), the results checked in Java. When every check passes the commit is
 * applied, as {@link CommitApply} would apply it, and the caller commits the transaction. On any
 * anomaly (revision conflict, missing or dead parent, id taken, blob missing or of another size,
 * usage of an unknown node, a key used by another commit) or any SQL error, it rolls the transaction
 * back and answers empty: the caller runs {@link CommitApply}, the authority, which gives the exact error or
 * result. So callers see nothing of this path but its speed.
 *
 * <p>Same locks as {@link CommitApply} with its PostgreSQL hooks: the session row before the
 * idempotency lookup (commits with a key), the conditional update of the session row
 * (compare-and-set), every referenced blob share-locked in hash order. Commits with checkpoint slots
 * are taken when {@link OneTripSlots} takes them (small values at a head the commit appends); others
 * are not (empty, nothing sent): {@link Checkpoints} applies them. A turn without slots or blobs goes
 * as one function call instead ({@link OneCallCommit}), the same statements run on the server.
 */
public final class OneTripCommit {
    private final Statements tx;
    private final String sessionId;
    private final long incarnation;
    private final RuntimeCommit commit;
    private final PreparedCommit prepared;
    /** Every blob a node references, by hash; carried ones inserted if they were not stored. */
    private final TreeMap<String, BlobRef> referenced = new TreeMap<>();
    private final List<PreparedCommit.Blob> toInsert = new ArrayList<>();
    private final List<ContentHash> notCarried = new ArrayList<>();
    private int attachmentRows;
    /** The usage records' sums by model ({@link OneTripRows#totals}). */
    private TreeMap<String, long[]> totals;
    /** Whether the usage records are inserted by the statement that inserts the nodes. */
    private boolean usageWithNodes;

    private OneTripCommit(Statements tx, String sessionId, long incarnation, RuntimeCommit commit,
                          PreparedCommit prepared) {
        this.tx = tx;
        this.sessionId = sessionId;
        this.incarnation = incarnation;
        this.commit = commit;
        this.prepared = prepared;
    }

    /**
     * Tries the commit in one round trip.
     *
     * @param tx the write transaction, nothing sent yet
     * @param sessionId the session
     * @param incarnation the internal key of the session the handle was opened on
     * @param commit the commit
     * @param prepared its prepared form
     * @return the result, the transaction still to be committed; empty when the commit is not taken or
     *     an anomaly or error rolled the transaction back: then run {@link CommitApply}
     * @throws SQLException if the rollback after a failure fails (the connection is gone): the
     *     original error, which says what happened
     */
    public static Optional<RuntimeCommitResult> tryApply(Statements tx, String sessionId, long incarnation,
                                                         RuntimeCommit commit, PreparedCommit prepared)
            throws SQLException {
        if (OneCallCommit.takes(commit, prepared)) {
            return OneCallCommit.tryApply(tx, sessionId, incarnation, commit, prepared);
        }
        if (prepared.sizeViolation().isPresent() || !OneTripSlots.takes(commit, prepared)) {
            return Optional.empty();
        }
        return new OneTripCommit(tx, sessionId, incarnation, commit, prepared).run();
    }

    private Optional<RuntimeCommitResult> run() throws SQLException {
        Optional<TreeMap<String, long[]>> sums = OneTripRows.totals(commit.usage());
        if (sums.isEmpty()) {
            return Optional.empty(); // the commit's own tokens overflow: CommitApply says so
        }
        totals = sums.get();
        for (PreparedCommit.Node pn : prepared.nodes()) {
            for (BlobRef ref : pn.node().attachments()) {
                referenced.put(ref.hash().toString(), ref);
                attachmentRows++;
            }
        }
        for (PreparedCommit.Blob b : prepared.blobs()) {
            if (b.stored() != null) {
                toInsert.add(b); // one stored before the commit was prepared is looked up only
            }
        }
        for (BlobRef ref : referenced.values()) {
            if (!commit.blobs().containsKey(ref.hash())) {
                notCarried.add(ref.hash());
            }
        }
        Instant now = Times.now();
        long nowNs = Times.toNanos(now);
        OneTripStatement batch = new OneTripStatement(tx);
        Optional<RuntimeCommitResult> result;
        try {
            add(batch, nowNs);
            result = check(batch.execute(), now);
        } catch (SQLException e) {
            batch.rollback(e);
            return Optional.empty();
        }
        if (result.isEmpty() || result.get().replayed()) {
            batch.rollback(null); // a replay keeps nothing of this transaction either
        }
        return result;
    }

    private void add(OneTripStatement b, long nowNs) throws SQLException {
        Connection c = tx.connection();
        b.add(OneTripSql.GENERIC_PLANS);
        Optional<String> key = commit.idempotencyKey();
        if (key.isPresent()) {
            b.add(Sql.LOCK_SESSION, sessionId);
            b.add(Sql.IDEMPOTENCY_LOOKUP, key.get(), sessionId);
        }
        int n = prepared.nodes().size();
        OptionalLong expected = commit.expectedRevision();
        if (expected.isPresent()) {
            b.add(Sql.CAS, n, commit.head().orElse(null), sessionId, expected.getAsLong());
        } else {
            b.add(Sql.CAS_UNCONDITIONAL, n, commit.head().orElse(null), sessionId);
        }
        if (!toInsert.isEmpty()) {
            int k = toInsert.size();
            byte[][] hashes = new byte[k][];
            Long[] sizes = new Long[k];
            Integer[] codecs = new Integer[k];
            byte[][] bytes = new byte[k][];
            for (int i = 0; i < k; i++) {
                PreparedCommit.Blob blob = toInsert.get(i);
                hashes[i] = blob.hash().toBytes();
                sizes[i] = blob.size();
                codecs[i] = blob.stored().codec();
                bytes[i] = blob.stored().bytes();
            }
            b.add(OneTripSql.INSERT_BLOBS, nowNs, c.createArrayOf("bytea", hashes), c.createArrayOf("int8", sizes),
                    c.createArrayOf("int4", codecs), c.createArrayOf("bytea", bytes));
        }
        if (!referenced.isEmpty()) {
            byte[][] hashes = referenced.values().stream().map(r -> r.hash().toBytes()).toArray(byte[][]::new);
            b.add(OneTripSql.LOCK_BLOBS, c.createArrayOf("bytea", hashes));
        }
        if (!notCarried.isEmpty()) {
            byte[][] hashes = notCarried.stream().map(ContentHash::toBytes).toArray(byte[][]::new);
            b.add(OneTripSql.SESSION_REFS, c.createArrayOf("bytea", hashes), incarnation, incarnation);
        }
        if (n > 0) {
            usageWithNodes = OneTripRows.nodes(b, c, prepared.nodes(), commit.usage(), attachmentRows, nowNs,
                    incarnation);
        }
        OneTripRows.usage(b, c, commit.usage(), totals, usageWithNodes, nowNs, incarnation);
        OneTripSlots.add(b, c, commit, prepared, incarnation);
        if (commit.head().isPresent()) {
            b.add(OneTripSql.HEAD, incarnation);
        }
        OneTripRead.addHeadCheckpoint(b, incarnation);
        if (key.isPresent()) {
            b.add(OneTripSql.INSERT_KEY, key.get(), prepared.fingerprint().orElseThrow(), nowNs, incarnation);
        }
    }

    /** Reads the results in the order {@link #add} sent the statements; empty at the first anomaly. */
    private Optional<RuntimeCommitResult> check(OneTripStatement.Results r, Instant now) throws SQLException {
        r.updateCount(); // GENERIC_PLANS
        Optional<String> key = commit.idempotencyKey();
        if (key.isPresent()) {
            boolean session = r.rows().size() == 1;
            List<Object[]> used = r.rows();
            if (!session) {
                return Optional.empty(); // no session: the slow path says so
            }
            if (!used.isEmpty()) {
                Object[] k = used.get(0);
                if (((Number) k[5]).longValue() != incarnation
                        || !Arrays.equals((byte[]) k[0], prepared.fingerprint().orElseThrow())) {
                    return Optional.empty(); // another incarnation, or another commit: the slow path refuses
                }
                // A replay, read under the session's lock: the first result; run() rolls back the rest.
                return Optional.of(CommitApply.replayed(sessionId, key.get(), ((Number) k[1]).longValue(),
                        (String) k[2], ((Number) k[3]).longValue(), (byte[]) k[4]));
            }
        }
        List<Object[]> cas = r.rows();
        if (cas.size() != 1 || ((Number) cas.get(0)[0]).longValue() != incarnation) {
            return Optional.empty();
        }
        long revision = ((Number) cas.get(0)[1]).longValue();
        String headId = (String) cas.get(0)[3];
        if (!toInsert.isEmpty()) {
            r.updateCount();
        }
        if (!referenced.isEmpty()) {
            Map<String, Long> sizes = new HashMap<>();
            for (Object[] row : r.rows()) {
                sizes.put(ContentHash.ofDigest((byte[]) row[0]).toString(), ((Number) row[1]).longValue());
            }
            for (BlobRef ref : referenced.values()) {
                Long size = sizes.get(ref.hash().toString());
                if (size == null || size != ref.size()) {
                    return Optional.empty();
                }
            }
        }
        if (!notCarried.isEmpty() && r.rows().size() != notCarried.size()) {
            return Optional.empty();
        }
        int n = prepared.nodes().size();
        if (n > 0) {
            long roots = prepared.nodes().stream().filter(pn -> pn.node().parentNodeId().isEmpty()).count();
            List<Object[]> inserted = r.rows();
            long rows;
            long nullParents;
            if (usageWithNodes) { // one row: nodes, nodes without a parent, usage rows
                rows = ((Number) inserted.get(0)[0]).longValue();
                nullParents = ((Number) inserted.get(0)[1]).longValue();
                if (((Number) inserted.get(0)[2]).longValue() != commit.usage().size()) {
                    return Optional.empty();
                }
            } else {
                rows = inserted.size();
                nullParents = inserted.stream().filter(row -> row[0] == null).count();
            }
            if (rows != n || nullParents != roots || attachmentRows > 0 && r.updateCount() != attachmentRows) {
                return Optional.empty();
            }
        }
        if (!commit.usage().isEmpty()) {
            if (!usageWithNodes && r.updateCount() != commit.usage().size()) {
                return Optional.empty();
            }
            r.updateCount();
        }
        if (!OneTripSlots.check(r, commit)) {
            return Optional.empty();
        }
        if (commit.head().isPresent()) {
            List<Object[]> head = r.rows();
            if (head.size() != 1 || ((Number) head.get(0)[0]).intValue() != 0) {
                return Optional.empty();
            }
        }
        TreeMap<String, CheckpointSlot> slots = OneTripRead.resolved(r.next());
        Checkpoint checkpoint = new Checkpoint(slots);
        if (key.isPresent()) {
            List<Object[]> stored = r.rows();
            if (stored.size() != 1 || !Arrays.equals((byte[]) stored.get(0)[0], Encoding.encodeCheckpoint(checkpoint))) {
                return Optional.empty();
            }
        }
        return Optional.of(new RuntimeCommitResult(revision, Optional.ofNullable(headId), now, checkpoint, false));
    }
}
