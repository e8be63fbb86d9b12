package dev.cairn.persistence.postgres;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.UsageRecord;
import dev.cairn.persistence.jdbc.Codec;
import dev.cairn.persistence.jdbc.CommitApply;
import dev.cairn.persistence.jdbc.OneTripCommit;
import dev.cairn.persistence.jdbc.PreparedCommit;
import dev.cairn.persistence.jdbc.Sql;
import dev.cairn.persistence.jdbc.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Applies commits (SPEC rules 1 to 8), each in one {@code READ COMMITTED} transaction on a write
 * connection. Checks run in the spec's order (idempotency key, size limits, revision, graph rules);
 * any failure throws and the transaction is rolled back, so nothing of a failed commit is written.
 * An {@link Apply} keeps no state outside the transaction but its result, so a transaction that
 * PostgreSQL aborts for a deadlock can run again from the start.
 *
 * <p>Concurrency between connections and instances: the compare-and-set is one conditional
 * {@code UPDATE} of the session row ({@code WHERE revision = expected}); a concurrent commit of the
 * same session holds that row's lock, and when it commits PostgreSQL re-checks the condition on the
 * new row, so exactly one of two commits with the same expected revision wins (rule 3). A commit with
 * an idempotency key locks the row first, so a retry waits for the original and then replays it
 * (rule 2). Every blob a commit references is read with {@code FOR KEY SHARE} (or inserted) in hash
 * order, so gc and delete, which lock a blob {@code FOR UPDATE} before removing it, either wait for
 * the commit and see its reference, or remove the blob first and the commit finds it gone.
 *
 * <p>A commit is first tried in one round trip ({@link OneTripCommit}: its statements sent together,
 * their results checked in Java, then the transaction's commit); at any anomaly that attempt is rolled
 * back and {@link Apply} runs, the authority, which gives the exact error. A commit of one node costs
 * a fixed number of index lookups whatever the session's length.
 */
final class Commits {
    /**
     * Reads a blob's size and holds a share lock on its row until the commit ends: gc and delete take
     * an exclusive lock before they remove a blob ({@code Catalogue.LOCK_BLOB_EXCLUSIVE}), so they
     * wait for this commit, then see its references (rule 16, across instances).
     */
    static final String LOCK_BLOB = "SELECT size FROM ~blobs WHERE hash = ? FOR KEY SHARE";
    /** Adds to a total; a sum past {@code bigint} fails with SQLState 22003 (numeric value out of range). */
    static final String ADD_USAGE_TOTAL = "INSERT INTO ~usage_totals AS t (sid, model, input_tokens, output_tokens,"
            + " cached_input_tokens, reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sid, model) DO UPDATE SET"
            + " input_tokens = t.input_tokens + excluded.input_tokens,"
            + " output_tokens = t.output_tokens + excluded.output_tokens,"
            + " cached_input_tokens = t.cached_input_tokens + excluded.cached_input_tokens,"
            + " reasoning_tokens = t.reasoning_tokens + excluded.reasoning_tokens";

    private final Database db;
    private final SqlDialect dialect;
    private final Codec codec;

    Commits(Database db, SqlDialect dialect, Codec codec) {
        this.db = db;
        this.dialect = dialect;
        this.codec = codec;
    }

    RuntimeCommitResult commit(String sessionId, long sid, StorePolicy policy, RuntimeCommit commit, String what) {
        PreparedCommit prepared = PreparedCommit.of(commit, policy, codec, hashes -> CommitApply.storedBlobs(dialect, hashes));
        return db.write(what, tx -> {
            Optional<RuntimeCommitResult> oneTrip = OneTripCommit.tryApply(tx, sessionId, sid, commit, prepared);
            return oneTrip.isPresent() ? oneTrip.get() : new Apply(tx, sessionId, sid, commit, prepared, codec).run();
        });
    }

    /**
     * One commit being applied: the shared rules, with PostgreSQL's locking (the session row before an
     * idempotency lookup, every referenced blob before the checks) and overflow check.
     */
    private static final class Apply extends CommitApply {
        private final Database.Tx pgTx;
        /** Size of every blob the commit references, -1 if neither carried nor stored; filled by {@link #lockBlobs}. */
        private final Map<ContentHash, Long> blobSizes = new HashMap<>();

        Apply(Database.Tx tx, String sessionId, long sid, RuntimeCommit commit, PreparedCommit prepared, Codec codec) {
            super(tx, Sql.COMMITS, Sql.CHECKPOINTS, sessionId, sid, commit, prepared, codec);
            this.pgTx = tx;
        }

        /** Two commits with one key are serialized on the session row: the second replays the first. */
        @Override
        protected void beforeReplay() throws SQLException {
            requireSession(Sql.LOCK_SESSION);
        }

        @Override
        protected void replayed() {
            pgTx.rollbackOnly();
        }

        @Override
        protected void beforeBlobChecks(long nowNs) throws SQLException {
            lockBlobs(nowNs);
        }

        @Override
        protected long blobSize(ContentHash hash) {
            Long size = blobSizes.get(hash);
            if (size == null) {
                throw new IllegalStateException("blob " + hash + " was not looked up by lockBlobs");
            }
            return size;
        }

        /** A sum past {@code bigint} fails the statement with SQLState 22003. */
        @Override
        protected void addTotal(long sid, UsageRecord u, String model) throws SQLException {
            PreparedStatement ps = totalStatement(ADD_USAGE_TOTAL, sid, u, model);
            try {
                ps.executeUpdate();
            } catch (SQLException e) {
                if (Errors.isOutOfRange(e)) {
                    throw new InvalidRequestException(overflowMessage(u));
                }
                throw e;
            }
        }

        /**
         * Looks up every blob the commit references, in hash order, holding a share lock on each row
         * until the transaction ends, and inserts the carried ones not stored yet. Another
         * transaction inserting the same blob makes the insert wait for it, then do nothing.
         */
        private void lockBlobs(long nowNs) throws SQLException {
            TreeMap<String, ContentHash> referenced = new TreeMap<>();
            for (PreparedCommit.Node pn : prepared.nodes()) {
                for (BlobRef ref : pn.node().attachments()) {
                    referenced.put(ref.hash().toString(), ref.hash());
                }
            }
            for (BlobRef ref : prepared.storedSlotRefs(commit)) {
                referenced.put(ref.hash().toString(), ref.hash());
            }
            if (referenced.isEmpty()) {
                return;
            }
            Map<ContentHash, PreparedCommit.Blob> carried = new HashMap<>();
            for (PreparedCommit.Blob b : prepared.blobs()) {
                carried.put(b.hash(), b);
            }
            for (ContentHash hash : referenced.values()) {
                long size = lockBlob(hash);
                PreparedCommit.Blob b = carried.get(hash);
                if (size < 0 && b != null) {
                    insertCarried(b, nowNs);
                    size = lockBlob(hash);
                    if (size < 0) {
                        throw new IllegalStateException("blob " + hash + " vanished right after its insert");
                    }
                }
                blobSizes.put(hash, size);
            }
        }

        private long lockBlob(ContentHash hash) throws SQLException {
            PreparedStatement ps = tx.ps(LOCK_BLOB);
            ps.setBytes(1, hash.toBytes());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }

        private void insertCarried(PreparedCommit.Blob b, long nowNs) throws SQLException {
            // Null when the blob was stored as the commit was prepared, so it was not compressed then.
            Codec.Stored stored = b.stored() != null ? b.stored() : codec.encode(b.raw());
            insertBlob(b, stored, nowNs);
        }
    }
}
