package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.UsageRecord;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The commit of a turn as one statement: a call of the PostgreSQL function {@code ~commit_turn} (installed by schema
 * version 4 of the PostgreSQL provider, replaced by a lighter body in version 5), which runs {@link OneTripCommit}'s statements on the server, in
 * PL/pgSQL, with their plans cached per connection. Measured on PostgreSQL 15 (ANALYSIS.md, issue 16's
 * third pass), the call costs the server about a third less than the batch of seven statements it replaces.
 *
 * <p>Taken for a commit of at most one node without attachments, with no checkpoint slot and no blob
 * (a turn; others go to {@link OneTripCommit}'s batch). The function raises at any anomaly (SQLSTATE
 * {@value #ANOMALY}: no session, revision conflict, parent not live, id taken, usage of an unknown node,
 * head not live, key of another commit) and at any error (a total past {@code bigint}); this class then
 * rolls the transaction back and answers empty, and the caller runs {@link CommitApply}, the authority,
 * which gives the exact error or result. The caller commits the transaction after a result: the
 * server commits only when the client, having read the result within its timeout, asks it to, so a
 * commit that timed out wrote nothing (see the PostgreSQL README, "Round trips").
 */
public final class OneCallCommit {
    /** The SQLSTATE {@code ~commit_turn} raises at an anomaly; nothing of the call is kept. */
    public static final String ANOMALY = "CRN01";

    /** The call: 25 parameters, one row of (replayed, revision, head, committed at, encoded checkpoint). */
    static final String CALL = "SELECT * FROM ~commit_turn(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?::text[], ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::int8[],"
            + " ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::int8[])";

    private OneCallCommit() {
    }

    /**
     * @param commit the commit
     * @param prepared its prepared form
     * @return whether {@link #tryApply} takes the commit
     */
    static boolean takes(RuntimeCommit commit, PreparedCommit prepared) {
        return prepared.sizeViolation().isEmpty() && !commit.isEmpty() && commit.checkpoint().isEmpty()
                && commit.blobs().isEmpty() && prepared.blobs().isEmpty() && prepared.nodes().size() <= 1
                && prepared.nodes().stream().allMatch(pn -> pn.node().attachments().isEmpty());
    }

    /**
     * Tries the commit as one call; {@link #takes} must hold.
     *
     * @param tx the write transaction, nothing sent yet
     * @param sessionId the session
     * @param incarnation the internal key of the session the handle was opened on
     * @param commit the commit
     * @param prepared its prepared form
     * @return the result, the transaction still to be committed; empty when an anomaly or error rolled
     *     the transaction back: then run {@link CommitApply}
     * @throws SQLException if the rollback after a failure fails (the connection is gone): the
     *     original error, which says what happened
     */
    static Optional<RuntimeCommitResult> tryApply(Statements tx, String sessionId, long incarnation,
                                                 RuntimeCommit commit, PreparedCommit prepared) throws SQLException {
        Optional<TreeMap<String, long[]>> totals = OneTripRows.totals(commit.usage());
        if (totals.isEmpty()) {
            return Optional.empty(); // the commit's own tokens overflow: CommitApply says so
        }
        Instant now = Times.now();
        Optional<String> key = commit.idempotencyKey();
        Optional<RuntimeCommitResult> result;
        try {
            PreparedStatement ps = tx.ps(CALL);
            bind(ps, tx.connection(), sessionId, incarnation, commit, prepared, totals.get(), Times.toNanos(now));
            try (ResultSet rs = ps.executeQuery()) {
                result = rs.next() ? read(rs, sessionId, key, now) : Optional.empty();
            }
        } catch (SQLException e) {
            OneTripStatement.rollback(tx, e);
            return Optional.empty();
        }
        if (result.isEmpty() || result.get().replayed()) {
            OneTripStatement.rollback(tx, null); // a replay keeps nothing of this transaction either
        }
        return result;
    }

    private static void bind(PreparedStatement ps, Connection c, String sessionId, long incarnation,
                             RuntimeCommit commit, PreparedCommit prepared, TreeMap<String, long[]> totals,
                             long nowNs) throws SQLException {
        ps.setString(1, sessionId);
        ps.setLong(2, incarnation);
        if (commit.expectedRevision().isPresent()) {
            ps.setLong(3, commit.expectedRevision().getAsLong());
        } else {
            ps.setNull(3, Types.BIGINT);
        }
        ps.setString(4, commit.head().orElse(null));
        ps.setString(5, commit.idempotencyKey().orElse(null));
        ps.setBytes(6, commit.idempotencyKey().isPresent() ? prepared.fingerprint().orElseThrow() : null);
        ps.setLong(7, nowNs);
        Optional<PreparedCommit.Node> node = prepared.nodes().stream().findFirst();
        NewNode n = node.map(PreparedCommit.Node::node).orElse(null);
        ps.setString(8, n == null ? null : n.nodeId());
        ps.setString(9, n == null ? null : n.parentNodeId().orElse(null));
        ps.setString(10, n == null ? null : n.kind().name());
        if (n == null) {
            ps.setNull(11, Types.INTEGER);
            ps.setNull(13, Types.INTEGER);
        } else {
            ps.setInt(11, node.get().payload().codec());
            ps.setInt(13, node.get().payloadSize());
        }
        ps.setBytes(12, node.map(pn -> pn.payload().bytes()).orElse(null));
        ps.setBytes(14, node.map(PreparedCommit.Node::payloadDigest).orElse(null));
        List<UsageRecord> usage = commit.usage();
        ps.setArray(15, OneTripRows.nodeIds(c, usage));
        ps.setArray(16, OneTripRows.models(c, usage));
        Array[] tokens = OneTripRows.tokens(c, usage);
        Array[] sums = OneTripRows.totals(c, totals);
        for (int i = 0; i < 4; i++) {
            ps.setArray(17 + i, tokens[i]);
        }
        for (int i = 0; i < 5; i++) {
            ps.setArray(21 + i, sums[i]);
        }
    }

    /** The call's row: a replay's stored result, or this commit's, its checkpoint checked against Java's encoding. */
    private static Optional<RuntimeCommitResult> read(ResultSet rs, String sessionId, Optional<String> key,
                                                      Instant now) throws SQLException {
        long revision = rs.getLong(2);
        String head = rs.getString(3);
        byte[] encoded = rs.getBytes(5);
        if (rs.getBoolean(1)) {
            return Optional.of(CommitApply.replayed(sessionId, key.orElseThrow(), revision, head, rs.getLong(4), encoded));
        }
        Checkpoint checkpoint = Encoding.decodeCheckpoint(encoded, "the checkpoint of session " + Ids.quote(sessionId));
        if (key.isPresent() && !Arrays.equals(encoded, Encoding.encodeCheckpoint(checkpoint))) {
            return Optional.empty(); // the key would hold another encoding than Java's: the slow path writes it
        }
        return Optional.of(new RuntimeCommitResult(revision, Optional.ofNullable(head), now, checkpoint, false));
    }
}
