package dev.cairn.persistence.postgres;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.UsageRecord;
import dev.cairn.persistence.support.Checkpoints;
import dev.cairn.persistence.support.Codec;
import dev.cairn.persistence.support.Encoding;
import dev.cairn.persistence.support.Times;
import dev.cairn.persistence.support.PreparedCommit;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
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
 * <p>A commit of one node costs a fixed number of index lookups whatever the session's length:
 * the conditional {@code UPDATE} of the session row (revision check, head, sequence), one lookup of
 * the parent, the insert, and one checkpoint lookup.
 */
final class Commits {
    private final Database db;
    private final Codec codec;

    Commits(Database db, Codec codec) {
        this.db = db;
        this.codec = codec;
    }

    RuntimeCommitResult commit(String sessionId, StorePolicy policy, RuntimeCommit commit, String what) {
        PreparedCommit prepared = PreparedCommit.of(commit, policy, codec, this::storedBlobs);
        return db.write(what, tx -> new Apply(tx, sessionId, commit, prepared, codec).run());
    }

    /**
     * Which of these blobs are stored now, read before the write transaction: a hint that lets the
     * commit skip compressing them. The write transaction checks again before it relies on it.
     * A failed read answers "none" (everything is compressed as before); the commit reports the
     * store's state itself.
     */
    private Set<ContentHash> storedBlobs(Set<ContentHash> hashes) {
        try {
            return db.read("check which blobs are stored", c -> {
                Set<ContentHash> found = new HashSet<>();
                try (PreparedStatement ps = c.prepareStatement(db.qualify(Sql.BLOB_SIZE))) {
                    for (ContentHash h : hashes) {
                        ps.setBytes(1, h.toBytes());
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                found.add(h);
                            }
                        }
                    }
                }
                return found;
            });
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    /** One commit being applied. */
    private static final class Apply {
        private final Database.Tx tx;
        private final String sessionId;
        private final RuntimeCommit commit;
        private final PreparedCommit prepared;
        private final Codec codec;
        /** Node id to {nid, ck_nid} for the nodes of this commit. */
        private final Map<String, long[]> added = new HashMap<>();
        /** Size of every blob the commit references, -1 if neither carried nor stored; filled by {@link #lockBlobs}. */
        private final Map<ContentHash, Long> blobSizes = new HashMap<>();
        private long sid;

        Apply(Database.Tx tx, String sessionId, RuntimeCommit commit, PreparedCommit prepared, Codec codec) {
            this.tx = tx;
            this.codec = codec;
            this.sessionId = sessionId;
            this.commit = commit;
            this.prepared = prepared;
        }

        RuntimeCommitResult run() throws SQLException {
            Optional<String> key = commit.idempotencyKey();
            if (key.isPresent()) {
                requireSession(Sql.LOCK_SESSION);
                Optional<RuntimeCommitResult> replay = replay(key.get());
                if (replay.isPresent()) {
                    tx.rollbackOnly();
                    return replay.get();
                }
            }
            if (prepared.sizeViolation().isPresent()) {
                requireSession(Sql.SESSION_REVISION);
                throw new InvalidRequestException(prepared.sizeViolation().get());
            }
            Instant now = Times.now();
            long nowNs = Times.toNanos(now);
            List<PreparedCommit.Node> nodes = prepared.nodes();

            // Rule 3: the compare-and-set, which also moves the head and reserves the sequence numbers.
            OptionalLong expected = commit.expectedRevision();
            PreparedStatement cas = tx.ps(expected.isPresent() ? Sql.CAS : Sql.CAS_UNCONDITIONAL);
            cas.setInt(1, nodes.size());
            cas.setString(2, commit.head().orElse(null));
            cas.setString(3, sessionId);
            if (expected.isPresent()) {
                cas.setLong(4, expected.getAsLong());
            }
            long revision;
            long lastSeq;
            String headId;
            try (ResultSet rs = cas.executeQuery()) {
                if (!rs.next()) {
                    throw conflictOrMissing(expected);
                }
                sid = rs.getLong(1);
                revision = rs.getLong(2);
                lastSeq = rs.getLong(3);
                headId = rs.getString(4);
            }

            // Rule 4: nodes, in order, each parent stored earlier or appended before it.
            long seq = lastSeq - nodes.size();
            for (int i = 0, n = nodes.size(); i < n; i++) {
                insertNode(nodes.get(i), ++seq, nowNs);
            }
            // Rule 5: the head.
            long[] head = null;
            if (commit.head().isPresent()) {
                String h = commit.head().get();
                head = added.get(h);
                if (head == null) {
                    head = stored(h);
                    if (head == null || head[2] != 0) {
                        throw new InvalidRequestException("Head " + Ids.quote(h) + " is not a live node of session "
                                + Ids.quote(sessionId) + ": the head must be a live node, stored or appended in the commit");
                    }
                }
            }
            // Rule 6: attachments and checkpoint slots name carried or stored blobs of the right size.
            lockBlobs(nowNs);
            for (PreparedCommit.Node pn : nodes) {
                for (BlobRef ref : pn.node().attachments()) {
                    requireBlob(ref, "attachment of node " + Ids.quote(pn.node().nodeId()));
                }
            }
            Map<String, BlobRef> slots = commit.checkpoint();
            if (!slots.isEmpty()) {
                if (headId == null) {
                    throw new InvalidRequestException("A checkpoint needs a head: session " + Ids.quote(sessionId)
                            + " has none and the commit names none; set a head in the commit that carries the checkpoint");
                }
                for (Map.Entry<String, BlobRef> slot : slots.entrySet()) {
                    requireBlob(slot.getValue(), "checkpoint slot " + Ids.quote(slot.getKey()));
                }
            }
            // Usage records name live nodes.
            List<UsageRecord> usage = commit.usage();
            for (int i = 0, n = usage.size(); i < n; i++) {
                recordUsage(usage.get(i), revision, i, nowNs);
            }

            // Everything checked: write what remains.
            for (PreparedCommit.Node pn : nodes) {
                insertAttachments(pn);
            }
            Checkpoint checkpoint;
            if (headId == null) {
                checkpoint = Checkpoint.EMPTY;
            } else {
                if (head == null) {
                    head = stored(headId);
                    if (head == null) {
                        throw new IllegalStateException("the head of session " + sessionId + " is not stored");
                    }
                }
                if (slots.isEmpty()) {
                    checkpoint = new Checkpoint(Checkpoints.resolved(tx.ps(Sql.RESOLVED), head[1]));
                } else {
                    checkpoint = Sql.CHECKPOINTS.commit(tx, head[0], headId, head[1], slots, mayHaveChildren(headId));
                }
            }
            if (key.isPresent()) {
                PreparedStatement ps = tx.ps(Sql.INSERT_KEY);
                ps.setLong(1, sid);
                ps.setString(2, key.get());
                ps.setBytes(3, prepared.fingerprint().orElseThrow());
                ps.setLong(4, revision);
                ps.setString(5, headId);
                ps.setLong(6, nowNs);
                ps.setBytes(7, Encoding.encodeCheckpoint(checkpoint));
                ps.executeUpdate();
            }
            return new RuntimeCommitResult(revision, Optional.ofNullable(headId), now, checkpoint, false);
        }

        private Optional<RuntimeCommitResult> replay(String key) throws SQLException {
            PreparedStatement ps = tx.ps(Sql.IDEMPOTENCY_LOOKUP);
            ps.setString(1, key);
            ps.setString(2, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!Arrays.equals(rs.getBytes(1), prepared.fingerprint().orElseThrow())) {
                    throw new IdempotencyConflictException(sessionId, key);
                }
                Checkpoint checkpoint = Encoding.decodeCheckpoint(rs.getBytes(5),
                        "idempotency key " + Ids.quote(key) + " of session " + Ids.quote(sessionId));
                return Optional.of(new RuntimeCommitResult(rs.getLong(2), Optional.ofNullable(rs.getString(3)),
                        Times.fromNanos(rs.getLong(4)), checkpoint, true));
            }
        }

        private void requireSession(String sql) throws SQLException {
            PreparedStatement ps = tx.ps(sql);
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SessionNotFoundException(sessionId);
                }
            }
        }

        private RuntimeException conflictOrMissing(OptionalLong expected) throws SQLException {
            PreparedStatement ps = tx.ps(Sql.SESSION_REVISION);
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || expected.isEmpty()) {
                    return new SessionNotFoundException(sessionId);
                }
                return new RevisionConflictException(sessionId, expected.getAsLong(), rs.getLong(1));
            }
        }

        /** @return {nid, ck_nid, state} of a stored node, or null */
        private long[] stored(String nodeId) throws SQLException {
            PreparedStatement ps = tx.ps(Sql.NODE_STATE);
            ps.setLong(1, sid);
            ps.setString(2, nodeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(3), rs.getInt(2)} : null;
            }
        }

        private void insertNode(PreparedCommit.Node pn, long seq, long nowNs) throws SQLException {
            NewNode node = pn.node();
            long parentNid = 0;
            long ck = 0;
            if (node.parentNodeId().isPresent()) {
                long[] parent = parent(node, node.parentNodeId().get());
                parentNid = parent[0];
                ck = parent[1];
            }
            PreparedStatement ps = tx.ps(Sql.INSERT_NODE);
            ps.setLong(1, sid);
            ps.setString(2, node.nodeId());
            if (parentNid == 0) {
                ps.setNull(3, Types.INTEGER);
            } else {
                ps.setLong(3, parentNid);
            }
            ps.setLong(4, seq);
            ps.setString(5, node.kind().name());
            ps.setInt(6, pn.payload().codec());
            ps.setBytes(7, pn.payload().bytes());
            ps.setInt(8, pn.payloadSize());
            ps.setBytes(9, pn.payloadDigest());
            if (pn.attachments().isPresent()) {
                ps.setBytes(10, pn.attachments().get());
            } else {
                ps.setNull(10, Types.BINARY);
            }
            ps.setLong(11, nowNs);
            if (ck == 0) {
                ps.setNull(12, Types.INTEGER);
            } else {
                ps.setLong(12, ck);
            }
            long nid;
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw duplicate(node.nodeId());
                }
                nid = rs.getLong(1);
            }
            added.put(node.nodeId(), new long[] {nid, ck, 0});
        }

        private long[] parent(NewNode node, String parentId) throws SQLException {
            long[] parent = added.get(parentId);
            if (parent != null) {
                return parent;
            }
            parent = stored(parentId);
            if (parent != null && parent[2] == 0) {
                return parent;
            }
            long[] self = stored(node.nodeId());
            if (self != null) {
                throw duplicate(node.nodeId());
            }
            if (parent != null) {
                throw new InvalidRequestException("Parent " + Ids.quote(parentId) + " of node " + Ids.quote(node.nodeId())
                        + " is " + stateName((int) parent[2]) + ": a parent must be a live node of the session");
            }
            for (NewNode later : commit.nodes()) {
                if (later.nodeId().equals(parentId)) {
                    throw new InvalidRequestException("Parent " + Ids.quote(parentId) + " of node "
                            + Ids.quote(node.nodeId()) + " is appended later in the same commit: append a parent"
                            + " before its children");
                }
            }
            throw new InvalidRequestException("Parent " + Ids.quote(parentId) + " of node " + Ids.quote(node.nodeId())
                    + " is not a node of session " + Ids.quote(sessionId)
                    + ": a parent is a live node, stored earlier or appended earlier in the same commit");
        }

        private InvalidRequestException duplicate(String nodeId) throws SQLException {
            long[] taken = stored(nodeId);
            String state = taken == null ? "another" : "a " + stateName((int) taken[2]);
            return new InvalidRequestException("Node id " + Ids.quote(nodeId) + " is already used in session "
                    + Ids.quote(sessionId) + " by " + state + " node: node ids are unique within a session,"
                    + " detached ones included until vacuum");
        }

        private void requireBlob(BlobRef ref, String what) throws SQLException {
            long size = blobSize(ref.hash());
            if (size < 0) {
                throw new InvalidRequestException("Blob " + ref.hash() + " of the " + what
                        + " is neither carried by the commit nor stored: attach its bytes in the commit");
            }
            if (size != ref.size()) {
                throw new InvalidRequestException("Blob " + ref.hash() + " of the " + what + " is " + size
                        + " bytes, but the reference says " + ref.size() + ": use the BlobRef that attach() returned");
            }
        }

        /** @return the size of a carried or stored blob, or -1 */
        private long blobSize(ContentHash hash) {
            Long size = blobSizes.get(hash);
            if (size == null) {
                throw new IllegalStateException("blob " + hash + " was not looked up by lockBlobs");
            }
            return size;
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
            for (BlobRef ref : commit.checkpoint().values()) {
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
                    insertBlob(b, nowNs);
                    size = lockBlob(hash);
                    if (size < 0) {
                        throw new IllegalStateException("blob " + hash + " vanished right after its insert");
                    }
                }
                blobSizes.put(hash, size);
            }
        }

        private long lockBlob(ContentHash hash) throws SQLException {
            PreparedStatement ps = tx.ps(Sql.LOCK_BLOB);
            ps.setBytes(1, hash.toBytes());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }

        private void recordUsage(UsageRecord u, long revision, int pos, long nowNs) throws SQLException {
            long[] node = added.get(u.nodeId());
            if (node == null) {
                node = stored(u.nodeId());
                if (node == null || node[2] != 0) {
                    throw new InvalidRequestException("Usage record names node " + Ids.quote(u.nodeId())
                            + ", which is not a live node of session " + Ids.quote(sessionId)
                            + ": usage belongs to a live node, stored or appended in the commit");
                }
            }
            PreparedStatement ps = tx.ps(Sql.INSERT_USAGE);
            ps.setLong(1, sid);
            ps.setLong(2, revision);
            ps.setInt(3, pos);
            ps.setLong(4, node[0]);
            ps.setString(5, u.nodeId());
            ps.setString(6, u.model());
            ps.setLong(7, u.usage().inputTokens());
            ps.setLong(8, u.usage().outputTokens());
            ps.setLong(9, u.usage().cachedInputTokens());
            ps.setLong(10, u.usage().reasoningTokens());
            ps.setLong(11, nowNs);
            ps.executeUpdate();
            addTotal(u, u.model());
            addTotal(u, Schema.TOTAL_MODEL);
        }

        private void addTotal(UsageRecord u, String model) throws SQLException {
            PreparedStatement ps = tx.ps(Sql.ADD_USAGE_TOTAL);
            ps.setLong(1, sid);
            ps.setString(2, model);
            ps.setLong(3, u.usage().inputTokens());
            ps.setLong(4, u.usage().outputTokens());
            ps.setLong(5, u.usage().cachedInputTokens());
            ps.setLong(6, u.usage().reasoningTokens());
            try {
                ps.executeUpdate();
            } catch (SQLException e) {
                if (Errors.isOutOfRange(e)) {
                    throw new InvalidRequestException("Usage of node " + Ids.quote(u.nodeId())
                            + " would overflow the session's token totals (over " + Long.MAX_VALUE + ")");
                }
                throw e;
            }
        }

        private void insertAttachments(PreparedCommit.Node pn) throws SQLException {
            List<BlobRef> refs = pn.node().attachments();
            if (refs.isEmpty()) {
                return;
            }
            long nid = added.get(pn.node().nodeId())[0];
            PreparedStatement ps = tx.ps(Sql.INSERT_ATTACHMENT);
            for (int i = 0, n = refs.size(); i < n; i++) {
                ps.setLong(1, nid);
                ps.setInt(2, i);
                ps.setBytes(3, refs.get(i).hash().toBytes());
                ps.executeUpdate();
            }
        }

        private void insertBlob(PreparedCommit.Blob b, long nowNs) throws SQLException {
            // Null when the blob was stored as the commit was prepared, so it was not compressed then.
            Codec.Stored stored = b.stored() != null ? b.stored() : codec.encode(b.raw());
            PreparedStatement ps = tx.ps(Sql.INSERT_BLOB);
            ps.setBytes(1, b.hash().toBytes());
            ps.setLong(2, b.size());
            ps.setInt(3, stored.codec());
            ps.setBytes(4, stored.bytes());
            ps.setLong(5, nowNs);
            ps.executeUpdate();
        }

        /** @return false only when the head is a node of this commit that no node of this commit descends from */
        private boolean mayHaveChildren(String headId) {
            if (!added.containsKey(headId)) {
                return true;
            }
            for (NewNode n : commit.nodes()) {
                if (n.parentNodeId().isPresent() && n.parentNodeId().get().equals(headId)) {
                    return true;
                }
            }
            return false;
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case 0 -> "live";
            case 1 -> "tombstoned";
            default -> "detached";
        };
    }
}
