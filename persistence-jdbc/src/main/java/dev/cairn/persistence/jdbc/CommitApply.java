package dev.cairn.persistence.jdbc;

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
import dev.cairn.persistence.UsageRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One commit being applied in a write transaction (SPEC rules 1 to 8): the graph rules, the usage
 * ledger, attachments, checkpoint and idempotency key, the same for every JDBC provider. Checks run
 * in the spec's order (idempotency key, size limits, revision, graph rules); any failure throws and
 * the caller rolls the transaction (or savepoint) back, so nothing of a failed commit is written. An
 * instance keeps no state outside the transaction but its result, so it can run again after a retry.
 *
 * <p>A provider supplies its statements ({@link Sql}) and what its concurrency needs through the
 * hooks: locking before the idempotency lookup, how blobs are found and written, how a token total
 * that would overflow is detected.
 */
public abstract class CommitApply {
    /**
     * The statements, in the provider's dialect (columns: see the SQLite provider's {@code Sql}).
     *
     * @param cas {@code (nodes, head, session_id, expected) -> sid, revision, last_seq, head_node_id}, raising the revision
     * @param casUnconditional the same without the expected revision
     * @param sessionRevision {@code (session_id) -> revision, sid}
     * @param idempotencyLookup {@code (key, session_id) -> fingerprint, revision, head, committed_at, checkpoint, sid}
     * @param insertKey {@code (sid, key, fingerprint, revision, head, committed_at, checkpoint)}
     * @param nodeState {@code (sid, node_id) -> nid, state, ck_nid}
     * @param insertNode {@code (sid, node_id, parent_nid, seq, kind, codec, payload, size, hash, attachments,
     *     created_at, ck_nid) -> nid}, no row if the id is taken
     * @param insertAttachment {@code (nid, pos, hash)}
     * @param insertUsage {@code (sid, revision, pos, nid, node_id, model, 4 token counts, recorded_at)}
     * @param resolved the checkpoint lookup of {@link Checkpoints.Sql#resolved()}
     * @param blobSize {@code (hash) -> size}
     * @param sessionBlobRef {@code (hash, sid, hash, sid) -> a row} when a node of the session that is not
     *     detached attaches the blob or has a checkpoint slot with it
     */
    public record Queries(String cas, String casUnconditional, String sessionRevision, String idempotencyLookup,
                      String insertKey, String nodeState, String insertNode, String insertAttachment,
                      String insertUsage, String resolved, String blobSize, String sessionBlobRef) {
        /**
         * @param statement a node insert that also understands {@link #OWN_CHECKPOINT} ({@link #ownCheckpointInInsert()})
         * @return these statements with that node insert
         */
        public Queries withInsertNode(String statement) {
            return new Queries(cas, casUnconditional, sessionRevision, idempotencyLookup, insertKey, nodeState, statement,
                    insertAttachment, insertUsage, resolved, blobSize, sessionBlobRef);
        }
    }

    /**
     * The {@code ck_nid} parameter of a node insert ({@link #ownCheckpointInInsert()}) that stands for the
     * inserted row's own {@code nid}; the insert then returns {@code nid, ck_nid}.
     */
    public static final long OWN_CHECKPOINT = -1;

    /**
     * @param tx the transaction
     * @param sessionBlobRef the provider's {@link Queries#sessionBlobRef()}
     * @param hash a blob
     * @param sid the internal key of a session
     * @return whether a node of the session that is not detached references the blob (SPEC rules 6, 13)
     * @throws SQLException if the statement fails
     */
    public static boolean sessionReferences(Statements tx, String sessionBlobRef, ContentHash hash, long sid)
            throws SQLException {
        PreparedStatement ps = tx.ps(sessionBlobRef);
        return sessionReferences(ps, hash, sid);
    }

    /**
     * @param ps the prepared {@link Queries#sessionBlobRef()}
     * @param hash a blob
     * @param sid the internal key of a session
     * @return whether a node of the session that is not detached references the blob
     * @throws SQLException if the statement fails
     */
    public static boolean sessionReferences(PreparedStatement ps, ContentHash hash, long sid) throws SQLException {
        byte[] digest = hash.toBytes();
        ps.setBytes(1, digest);
        ps.setLong(2, sid);
        ps.setBytes(3, digest);
        ps.setLong(4, sid);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /**
     * Which of these blobs are stored now, read before the write transaction: a hint that lets a
     * commit skip compressing them ({@link PreparedCommit}); the write transaction checks again
     * before it relies on it. A failed read answers "none" (everything is compressed as before).
     *
     * @param dialect the database
     * @param hashes the blobs a commit references
     * @return those of them that are stored
     */
    public static Set<ContentHash> storedBlobs(SqlDialect dialect, Set<ContentHash> hashes) {
        try {
            return dialect.read("check which blobs are stored", c -> {
                Set<ContentHash> found = new HashSet<>();
                try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.BLOB_SIZE))) {
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

    /** The transaction. */
    protected final Statements tx;
    /** The session committed to. */
    protected final String sessionId;
    /** The commit. */
    protected final RuntimeCommit commit;
    /** Its CPU work, done before the transaction. */
    protected final PreparedCommit prepared;
    /** How bytes are stored. */
    protected final Codec codec;
    private final Queries sql;
    private final Checkpoints checkpoints;
    /** Node id to {nid, ck_nid} for the nodes of this commit. */
    private final Map<String, long[]> added = new HashMap<>();
    private Map<ContentHash, Long> blobSizes;
    /** Inline slot values this commit named without their bytes and so copied into {@code blobs}: their sizes, or -1. */
    private Map<ContentHash, Long> promoted;
    private Map<ContentHash, Boolean> sessionRefs;
    private long sid;
    /** Whether the head's {@code ck_nid} was set to itself by its insert ({@link #ownCheckpointInInsert()}). */
    private boolean headPointsAtItself;
    /** The slot the head's insert stored in its row ({@link #ownSlotInInsert()}), if any. */
    private Optional<String> slotInRow = Optional.empty();
    /** The internal key of the session the store handle was opened on: a later session of that id is another. */
    private final long incarnation;

    /**
     * @param tx the write transaction
     * @param sql the provider's statements
     * @param checkpoints the provider's checkpoint resolution
     * @param sessionId the session
     * @param incarnation the internal key ({@code sessions.sid}) of the session the store handle was
     *     opened on; a session created later with the same id has another, and the commit fails with
     *     {@link SessionNotFoundException}
     * @param commit the commit
     * @param prepared its prepared form
     * @param codec how bytes are stored
     */
    protected CommitApply(Statements tx, Queries sql, Checkpoints checkpoints, String sessionId, long incarnation,
                          RuntimeCommit commit, PreparedCommit prepared, Codec codec) {
        this.tx = tx;
        this.incarnation = incarnation;
        this.sql = sql;
        this.checkpoints = checkpoints;
        this.codec = codec;
        this.sessionId = sessionId;
        this.commit = commit;
        this.prepared = prepared;
    }

    /**
     * Before the idempotency key is looked up (only for a commit that has one).
     *
     * @throws SQLException if a statement fails
     */
    protected void beforeReplay() throws SQLException {
    }

    /**
     * Whether the provider's node insert sets {@code ck_nid} to the row's own {@code nid} when given
     * {@link #OWN_CHECKPOINT}, returning {@code nid, ck_nid}: then the head a commit appends with its
     * checkpoint slots is inserted pointing at itself, and the checkpoint's {@code ck_nid} update is
     * left out (one statement less; issue 17). Off by default.
     *
     * @return whether the node insert takes {@link #OWN_CHECKPOINT}
     */
    protected boolean ownCheckpointInInsert() {
        return false;
    }

    /**
     * Whether the provider's node insert also takes the head's first checkpoint slot, as parameters 13 to
     * 17: {@code own_slot, own_hash, own_size, own_codec, own_bytes} (SQLite schema 5's place for a node's
     * first slot in its own row; codec and bytes null for a value that is a row of {@code blobs}, all five
     * null for every other node). The engine sets them for the head a commit appends with its slots,
     * exactly when {@link #ownCheckpointInInsert()} points that head at itself, and leaves that slot out of
     * the checkpoint's slot writes: a turn with one slot writes its node row once, in one statement
     * (issue 17). Requires {@link #ownCheckpointInInsert()}. Off by default.
     *
     * @return whether the node insert takes the head's first slot
     */
    protected boolean ownSlotInInsert() {
        return false;
    }

    /** When the commit replays an earlier one: nothing of this transaction is to be kept. */
    protected void replayed() {
    }

    /**
     * After nodes and head are checked, before the blobs of attachments and slots are.
     *
     * @param nowNs the commit's time
     * @throws SQLException if a statement fails
     */
    protected void beforeBlobChecks(long nowNs) throws SQLException {
    }

    /**
     * After every check and the attachment rows: the last writes before checkpoint and key.
     *
     * @param nowNs the commit's time
     * @throws SQLException if a statement fails
     */
    protected void afterChecks(long nowNs) throws SQLException {
    }

    /**
     * Adds a usage record to a session total, refusing (with {@link InvalidRequestException}) a total
     * past {@link Long#MAX_VALUE}.
     *
     * @param sid the session's key
     * @param u the record
     * @param model the total's model, or the all-models total's name
     * @throws SQLException if a statement fails
     */
    protected abstract void addTotal(long sid, UsageRecord u, String model) throws SQLException;

    /**
     * Prepares a dialect's statement that adds a usage record to a total, with its parameters bound:
     * (sid, model, input, output, cached input, reasoning tokens).
     *
     * @param template the dialect's upsert of {@code usage_totals}
     * @param sid the session's internal key
     * @param u the record
     * @param model the model of the total
     * @return the statement, ready to run
     * @throws SQLException if it cannot be prepared
     */
    protected final PreparedStatement totalStatement(String template, long sid, UsageRecord u, String model)
            throws SQLException {
        PreparedStatement ps = tx.ps(template);
        ps.setLong(1, sid);
        ps.setString(2, model);
        ps.setLong(3, u.usage().inputTokens());
        ps.setLong(4, u.usage().outputTokens());
        ps.setLong(5, u.usage().cachedInputTokens());
        ps.setLong(6, u.usage().reasoningTokens());
        return ps;
    }

    /**
     * Inserts a blob row ({@link Sql#INSERT_BLOB}; one that is there already stays).
     *
     * @param b the blob
     * @param stored its stored form
     * @param nowNs the commit's time
     * @throws SQLException if the insert fails
     */
    protected final void insertBlob(PreparedCommit.Blob b, Codec.Stored stored, long nowNs) throws SQLException {
        PreparedStatement ps = tx.ps(Sql.INSERT_BLOB);
        ps.setBytes(1, b.hash().toBytes());
        ps.setLong(2, b.size());
        ps.setInt(3, stored.codec());
        ps.setBytes(4, stored.bytes());
        ps.setLong(5, nowNs);
        ps.executeUpdate();
    }

    /**
     * @param u a usage record
     * @return the message when it would overflow the session's totals
     */
    protected static String overflowMessage(UsageRecord u) {
        return "Usage of node " + Ids.quote(u.nodeId()) + " would overflow the session's token totals (over "
                + Long.MAX_VALUE + ")";
    }

    /**
     * Applies the commit.
     *
     * @return its result
     * @throws SQLException if a statement fails
     */
    public final RuntimeCommitResult run() throws SQLException {
        Optional<String> key = commit.idempotencyKey();
        if (key.isPresent()) {
            beforeReplay();
            Optional<RuntimeCommitResult> replay = replay(key.get());
            if (replay.isPresent()) {
                replayed();
                return replay.get();
            }
        }
        if (prepared.sizeViolation().isPresent()) {
            PreparedStatement ps = tx.ps(sql.sessionRevision());
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(2) != incarnation) {
                    throw new SessionNotFoundException(sessionId);
                }
            }
            throw new InvalidRequestException(prepared.sizeViolation().get());
        }
        Instant now = Times.now();
        long nowNs = Times.toNanos(now);
        List<PreparedCommit.Node> nodes = prepared.nodes();

        // Rule 3: the compare-and-set, which also moves the head and reserves the sequence numbers.
        OptionalLong expected = commit.expectedRevision();
        PreparedStatement cas = tx.ps(expected.isPresent() ? sql.cas() : sql.casUnconditional());
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
            if (sid != incarnation) {
                throw new SessionNotFoundException(sessionId); // rolled back with the transaction
            }
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
        beforeBlobChecks(nowNs);
        for (PreparedCommit.Node pn : nodes) {
            for (BlobRef ref : pn.node().attachments()) {
                requireBlob(ref, "attachment of node " + Ids.quote(pn.node().nodeId()), nowNs);
            }
        }
        Map<String, BlobRef> slots = commit.checkpoint();
        if (!slots.isEmpty()) {
            if (headId == null) {
                throw new InvalidRequestException("A checkpoint needs a head: session " + Ids.quote(sessionId)
                        + " has none and the commit names none; set a head in the commit that carries the checkpoint");
            }
            for (Map.Entry<String, BlobRef> slot : slots.entrySet()) {
                if (!prepared.inline().containsKey(slot.getKey())) { // an inline value is carried, its size checked
                    requireBlob(slot.getValue(), "checkpoint slot " + Ids.quote(slot.getKey()), nowNs);
                }
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
        afterChecks(nowNs);
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
                checkpoint = new Checkpoint(Checkpoints.resolved(tx.ps(sql.resolved()), head[1]));
            } else {
                checkpoint = checkpoints.commit(tx, head[0], headId, head[1], slots, prepared.inline(),
                        mayHaveChildren(headId), headPointsAtItself, slotInRow, nowNs);
            }
        }
        if (key.isPresent()) {
            PreparedStatement ps = tx.ps(sql.insertKey());
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
        PreparedStatement ps = tx.ps(sql.idempotencyLookup());
        ps.setString(1, key);
        ps.setString(2, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            if (rs.getLong(6) != incarnation) {
                throw new SessionNotFoundException(sessionId);
            }
            if (!Arrays.equals(rs.getBytes(1), prepared.fingerprint().orElseThrow())) {
                throw new IdempotencyConflictException(sessionId, key);
            }
            return Optional.of(replayed(sessionId, key, rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getBytes(5)));
        }
    }

    /**
     * The result of a replayed commit from its idempotency key's row.
     *
     * @param sessionId the session
     * @param key the key
     * @param revision the row's revision
     * @param head the row's head, or null
     * @param committedAtNs the row's time
     * @param checkpoint the row's encoded checkpoint
     * @return the first commit's result, marked replayed
     */
    static RuntimeCommitResult replayed(String sessionId, String key, long revision, String head, long committedAtNs,
                                        byte[] checkpoint) {
        Checkpoint decoded = Encoding.decodeCheckpoint(checkpoint,
                "idempotency key " + Ids.quote(key) + " of session " + Ids.quote(sessionId));
        return new RuntimeCommitResult(revision, Optional.ofNullable(head), Times.fromNanos(committedAtNs), decoded, true);
    }

    /**
     * @param sessionSql a statement of one row per session id, e.g. {@link Queries#sessionRevision()} or a lock
     * @throws SessionNotFoundException if the session does not exist
     * @throws SQLException if the statement fails
     */
    protected final void requireSession(String sessionSql) throws SQLException {
        PreparedStatement ps = tx.ps(sessionSql);
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SessionNotFoundException(sessionId);
            }
        }
    }

    private RuntimeException conflictOrMissing(OptionalLong expected) throws SQLException {
        PreparedStatement ps = tx.ps(sql.sessionRevision());
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || expected.isEmpty() || rs.getLong(2) != incarnation) {
                return new SessionNotFoundException(sessionId);
            }
            return new RevisionConflictException(sessionId, expected.getAsLong(), rs.getLong(1));
        }
    }

    /** @return {nid, ck_nid, state} of a stored node, or null */
    private long[] stored(String nodeId) throws SQLException {
        PreparedStatement ps = tx.ps(sql.nodeState());
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
        boolean own = ownCheckpointInInsert() && !commit.checkpoint().isEmpty()
                && commit.head().equals(Optional.of(node.nodeId())) && !parentOfAnother(node.nodeId());
        PreparedStatement ps = tx.ps(sql.insertNode());
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
            ps.setBytes(10, null);
        }
        ps.setLong(11, nowNs);
        if (own) {
            ps.setLong(12, OWN_CHECKPOINT);
        } else if (ck == 0) {
            ps.setNull(12, Types.INTEGER);
        } else {
            ps.setLong(12, ck);
        }
        if (ownSlotInInsert()) {
            bindSlotInRow(ps, own);
        }
        long nid;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw duplicate(node.nodeId());
            }
            nid = rs.getLong(1);
            // the row must point at itself; if it does not (the provider could not tell its nid), Checkpoints sets it
            headPointsAtItself = own && rs.getLong(2) == nid;
        }
        added.put(node.nodeId(), new long[] {nid, ck, 0});
    }

    /**
     * Parameters 13 to 17 of the node insert ({@link #ownSlotInInsert()}): the commit's first slot for the
     * head it appends and points at itself, nulls for any other node.
     */
    private void bindSlotInRow(PreparedStatement ps, boolean own) throws SQLException {
        if (!own) {
            ps.setNull(13, Types.VARCHAR);
            ps.setNull(14, Types.BINARY);
            ps.setNull(15, Types.INTEGER);
            ps.setNull(16, Types.INTEGER);
            ps.setNull(17, Types.BINARY);
            return;
        }
        Map.Entry<String, BlobRef> first = commit.checkpoint().entrySet().iterator().next();
        BlobRef ref = first.getValue();
        Codec.Stored value = prepared.inline().get(first.getKey());
        ps.setString(13, first.getKey());
        ps.setBytes(14, ref.hash().toBytes());
        ps.setLong(15, ref.size());
        if (value == null) {
            ps.setNull(16, Types.INTEGER);
            ps.setNull(17, Types.BINARY);
        } else {
            ps.setInt(16, value.codec());
            ps.setBytes(17, value.bytes());
        }
        slotInRow = Optional.of(first.getKey());
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

    private void requireBlob(BlobRef ref, String what, long nowNs) throws SQLException {
        long size = blobSize(ref.hash());
        if (size < 0 && !commit.blobs().containsKey(ref.hash()) && referencedBySession(ref.hash())) {
            // A value the session keeps inline in a slot row, named now without its bytes: it becomes a row of blobs.
            if (promoted == null) {
                promoted = new HashMap<>();
            }
            Long known = promoted.get(ref.hash());
            size = known != null ? known : InlineSlots.promote(tx, ref.hash(), nowNs);
            promoted.put(ref.hash(), size);
        }
        if (size < 0 || !commit.blobs().containsKey(ref.hash()) && !referencedBySession(ref.hash())) {
            throw new InvalidRequestException("Blob " + ref.hash() + " of the " + what
                    + " is neither carried by the commit nor referenced by session " + Ids.quote(sessionId)
                    + ": attach its bytes in the commit (a commit may name without its bytes only a blob its"
                    + " session references already)");
        }
        if (size != ref.size()) {
            throw new InvalidRequestException("Blob " + ref.hash() + " of the " + what + " is " + size
                    + " bytes, but the reference says " + ref.size() + ": use the BlobRef that attach() returned");
        }
    }

    /** Rule 6: a blob named without its bytes must be one this session references already. */
    private boolean referencedBySession(ContentHash hash) throws SQLException {
        if (sessionRefs == null) {
            sessionRefs = new HashMap<>();
        }
        Boolean known = sessionRefs.get(hash);
        if (known == null) {
            known = sessionReferences(tx, sql.sessionBlobRef(), hash, sid);
            sessionRefs.put(hash, known);
        }
        return known;
    }

    /**
     * @param hash a blob the commit references
     * @return the size of a carried or stored blob, or -1
     * @throws SQLException if a statement fails
     */
    protected long blobSize(ContentHash hash) throws SQLException {
        var carried = commit.blobs().get(hash);
        if (carried != null) {
            return carried.size();
        }
        if (blobSizes == null) {
            blobSizes = new HashMap<>();
        }
        Long known = blobSizes.get(hash);
        if (known != null) {
            return known;
        }
        PreparedStatement ps = tx.ps(sql.blobSize());
        ps.setBytes(1, hash.toBytes());
        long size;
        try (ResultSet rs = ps.executeQuery()) {
            size = rs.next() ? rs.getLong(1) : -1;
        }
        blobSizes.put(hash, size);
        return size;
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
        PreparedStatement ps = tx.ps(sql.insertUsage());
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
        addTotal(sid, u, u.model());
        addTotal(sid, u, Sql.TOTAL_MODEL);
    }

    private void insertAttachments(PreparedCommit.Node pn) throws SQLException {
        List<BlobRef> refs = pn.node().attachments();
        if (refs.isEmpty()) {
            return;
        }
        long nid = added.get(pn.node().nodeId())[0];
        PreparedStatement ps = tx.ps(sql.insertAttachment());
        for (int i = 0, n = refs.size(); i < n; i++) {
            ps.setLong(1, nid);
            ps.setInt(2, i);
            ps.setBytes(3, refs.get(i).hash().toBytes());
            ps.executeUpdate();
        }
    }

    /** @return false only when the head is a node of this commit that no node of this commit descends from */
    private boolean mayHaveChildren(String headId) {
        return !added.containsKey(headId) || parentOfAnother(headId);
    }

    /** @return whether a node of this commit names the node as its parent */
    private boolean parentOfAnother(String nodeId) {
        for (NewNode n : commit.nodes()) {
            if (n.parentNodeId().isPresent() && n.parentNodeId().get().equals(nodeId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param state a stored node state: 0 live, 1 tombstoned, 2 detached
     * @return its name, for messages
     */
    public static String stateName(int state) {
        return switch (state) {
            case 0 -> "live";
            case 1 -> "tombstoned";
            default -> "detached";
        };
    }
}
