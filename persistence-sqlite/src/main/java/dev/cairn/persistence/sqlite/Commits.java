package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.UsageRecord;
import dev.cairn.persistence.jdbc.Checkpoints;
import dev.cairn.persistence.jdbc.Codec;
import dev.cairn.persistence.jdbc.CommitApply;
import dev.cairn.persistence.jdbc.PreparedCommit;
import dev.cairn.persistence.jdbc.Sql;
import dev.cairn.persistence.jdbc.SqlDialect;
import dev.cairn.persistence.jdbc.WriterConnection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies commits (SPEC rules 1 to 8) in a {@code BEGIN IMMEDIATE} transaction on the writer, which
 * it may share with commits of other callers ({@link Database#commit}: group commit, each commit in
 * its own savepoint). Checks run in the spec's order (idempotency key, size limits, revision, graph
 * rules); any failure throws, and the commit's savepoint (or transaction) is rolled back, so nothing
 * of a failed commit is written. An {@link Apply} keeps no state outside the transaction but its
 * result, so a rolled-back savepoint leaves nothing behind in memory either.
 *
 * <p>A commit of one node costs a fixed number of index lookups whatever the session's length:
 * the conditional {@code UPDATE} of the session row (revision check, head, sequence), one lookup of
 * the parent, the insert, and one checkpoint lookup.
 */
final class Commits {
    /** Adds to a total; returns whether every sum is still an integer (SQLite turns an overflow into a REAL). */
    static final String ADD_USAGE_TOTAL = "INSERT INTO usage_totals (sid, model, input_tokens, output_tokens,"
            + " cached_input_tokens, reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sid, model) DO UPDATE SET"
            + " input_tokens = input_tokens + excluded.input_tokens,"
            + " output_tokens = output_tokens + excluded.output_tokens,"
            + " cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens,"
            + " reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens"
            + " RETURNING typeof(input_tokens) = 'integer' AND typeof(output_tokens) = 'integer'"
            + " AND typeof(cached_input_tokens) = 'integer' AND typeof(reasoning_tokens) = 'integer'";

    /**
     * The node insert, which takes {@link CommitApply#OWN_CHECKPOINT} for {@code ck_nid}: the rowid SQLite
     * gives a row of a table without AUTOINCREMENT is one more than the largest, unless that is the largest
     * integer; the returned {@code ck_nid} tells the engine whether it guessed right. Parameters 13 to 17
     * are the head's first checkpoint slot ({@link CommitApply#ownSlotInInsert()}), written straight into
     * the row's own place (schema v5), so a turn with one slot writes its node row once and runs no
     * trigger; they are null for every other node.
     */
    static final String INSERT_NODE = "INSERT INTO nodes (sid, node_id, parent_nid, seq, kind, codec, payload,"
            + " payload_size, payload_hash, attachments, created_at, ck_nid, own_slot, own_hash, own_size, own_codec,"
            + " own_bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
            + " CASE WHEN ?12 = " + CommitApply.OWN_CHECKPOINT + " THEN (SELECT coalesce(max(nid), 0) + 1 FROM nodes)"
            + " ELSE ?12 END, ?13, ?14, ?15, ?16, ?17) ON CONFLICT DO NOTHING RETURNING nid, ck_nid";
    private static final CommitApply.Queries QUERIES = Sql.COMMITS.withInsertNode(INSERT_NODE);
    /**
     * A slot into the {@code checkpoints} view (schema v5), whose trigger replaces the node's slot where
     * it is, else keeps it in the node's own row when that place is free, else in {@code checkpoint_rows}.
     */
    static final String INSERT_CHECKPOINT = "INSERT INTO ~checkpoints (nid, slot, hash, size, codec, bytes)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
    /** Checkpoint resolution with inherited slots read first: a statement here costs no round trip. */
    private static final Checkpoints CHECKPOINTS = Sql.CHECKPOINTS.readingInherited().withUpsertCheckpoint(INSERT_CHECKPOINT);

    private final Database db;
    private final SqlDialect dialect;
    private final Codec codec;
    /** Test hook: replaces the reader's answer to "which blobs are stored" (null: ask the reader). */
    private volatile Function<Set<ContentHash>, Set<ContentHash>> storedBlobsForTest;

    Commits(Database db, SqlDialect dialect, Codec codec) {
        this.db = db;
        this.dialect = dialect;
        this.codec = codec;
    }

    RuntimeCommitResult commit(String sessionId, long sid, StorePolicy policy, RuntimeCommit commit, String what) {
        PreparedCommit prepared = PreparedCommit.of(commit, policy, codec,
                storedBlobsForTest != null ? storedBlobsForTest : hashes -> CommitApply.storedBlobs(dialect, hashes));
        return db.commit(what, tx -> new Apply(tx, sessionId, sid, commit, prepared, codec).run());
    }

    void storedBlobsForTest(Function<Set<ContentHash>, Set<ContentHash>> hint) {
        storedBlobsForTest = hint;
    }

    /** One commit being applied: the shared rules, with SQLite's blob writes and overflow check. */
    private static final class Apply extends CommitApply {
        Apply(WriterConnection tx, String sessionId, long sid, RuntimeCommit commit, PreparedCommit prepared, Codec codec) {
            super(tx, QUERIES, CHECKPOINTS, sessionId, sid, commit, prepared, codec);
        }

        /** The head a commit appends with its slots is inserted pointing at itself ({@link #INSERT_NODE}). */
        @Override
        protected boolean ownCheckpointInInsert() {
            return true;
        }

        /** That head's first slot goes into its row with the insert ({@link #INSERT_NODE}, schema v5's own_* columns). */
        @Override
        protected boolean ownSlotInInsert() {
            return true;
        }

        /** The single writer serializes commits with gc, so the blobs are written after every check. */
        @Override
        protected void afterChecks(long nowNs) throws SQLException {
            if (prepared.blobs().isEmpty()) {
                return;
            }
            for (PreparedCommit.Blob b : prepared.blobs()) {
                Codec.Stored stored = b.stored();
                if (stored == null) {
                    // Stored when the commit was prepared, so not compressed. Checked again here, in the
                    // write transaction, where gc cannot delete it before this commit references it
                    // (rule 16); if gc took it meanwhile, it is encoded and inserted now.
                    PreparedStatement exists = tx.ps(Sql.BLOB_SIZE);
                    exists.setBytes(1, b.hash().toBytes());
                    try (ResultSet rs = exists.executeQuery()) {
                        if (rs.next()) {
                            continue;
                        }
                    }
                    stored = codec.encode(b.raw());
                }
                insertBlob(b, stored, nowNs);
            }
        }

        /** SQLite turns an integer overflow into a REAL; the statement returns whether every sum stayed an integer. */
        @Override
        protected void addTotal(long sid, UsageRecord u, String model) throws SQLException {
            PreparedStatement ps = totalStatement(ADD_USAGE_TOTAL, sid, u, model);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw new InvalidRequestException(overflowMessage(u));
                }
            }
        }
    }
}
