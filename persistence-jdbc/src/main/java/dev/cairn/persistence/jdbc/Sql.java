package dev.cairn.persistence.jdbc;

import java.util.Map;

/**
 * The statement templates of the hot paths that every dialect shares, in one place so a provider's
 * test can check every query plan ({@link #HOT_READS}). Each one finds its rows through a primary key
 * or an index. {@code ~} stands for the store's schema, if the database has one; row locks and
 * {@code ::} casts are PostgreSQL's spelling, which a dialect without them drops ({@link SqlDialect#sql}).
 */
public final class Sql {
    private Sql() {
    }

    /** The model name of the all-models row of {@code usage_totals}; no real model name is empty. */
    public static final String TOTAL_MODEL = "";

    // ---- commit ----

    /** The compare-and-set: one conditional update that raises the revision; no row means conflict or no session. */
    public static final String CAS = "UPDATE ~sessions SET revision = revision + 1, last_seq = last_seq + ?,"
            + " head_node_id = coalesce(?::text, head_node_id) WHERE session_id = ? AND revision = ?"
            + " RETURNING sid, revision, last_seq, head_node_id";
    public static final String CAS_UNCONDITIONAL = "UPDATE ~sessions SET revision = revision + 1, last_seq = last_seq + ?,"
            + " head_node_id = coalesce(?::text, head_node_id) WHERE session_id = ?"
            + " RETURNING sid, revision, last_seq, head_node_id";
    public static final String SESSION_REVISION = "SELECT revision, sid FROM ~sessions WHERE session_id = ?";
    /**
     * Locks the session row before an idempotency key is looked up, so that two commits with one key
     * are serialized: the second sees the first's key and replays it (rule 2).
     */
    public static final String LOCK_SESSION = "SELECT sid FROM ~sessions WHERE session_id = ? FOR UPDATE";
    public static final String IDEMPOTENCY_LOOKUP = "SELECT k.fingerprint, k.revision, k.head_node_id, k.committed_at,"
            + " k.checkpoint, s.sid FROM ~sessions s JOIN ~idempotency_keys k ON k.sid = s.sid AND k.key = ?"
            + " WHERE s.session_id = ?";
    public static final String INSERT_KEY = "INSERT INTO ~idempotency_keys (sid, key, fingerprint, revision, head_node_id,"
            + " committed_at, checkpoint) VALUES (?, ?, ?, ?, ?, ?, ?)";
    public static final String NODE_STATE = "SELECT nid, state, ck_nid FROM ~nodes WHERE sid = ? AND node_id = ?";
    public static final String INSERT_NODE = "INSERT INTO ~nodes (sid, node_id, parent_nid, seq, kind, codec, payload,"
            + " payload_size, payload_hash, attachments, created_at, ck_nid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING RETURNING nid";
    public static final String INSERT_ATTACHMENT = "INSERT INTO ~attachments (nid, pos, hash) VALUES (?, ?, ?)";
    public static final String BLOB_SIZE = "SELECT size FROM ~blobs WHERE hash = ?";
    /** Whether a node of a session that is not detached references a blob (rules 6 and 13): (hash, sid, hash, sid). */
    public static final String SESSION_BLOB_REF = "SELECT 1 FROM ~attachments a JOIN ~nodes n ON n.nid = a.nid"
            + " WHERE a.hash = ? AND n.sid = ? AND n.state < 2 UNION ALL SELECT 1 FROM ~checkpoints c"
            + " JOIN ~nodes n ON n.nid = c.nid WHERE c.hash = ? AND n.sid = ? AND n.state < 2 LIMIT 1";
    public static final String INSERT_BLOB = "INSERT INTO ~blobs (hash, size, codec, bytes, created_at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (hash) DO NOTHING";
    public static final String INSERT_USAGE = "INSERT INTO ~usage (sid, revision, pos, nid, node_id, model, input_tokens,"
            + " output_tokens, cached_input_tokens, reasoning_tokens, recorded_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Codec and bytes are the value kept in the row ({@link InlineSlots}), or null for a value in {@code blobs}. */
    public static final String UPSERT_CHECKPOINT = "INSERT INTO ~checkpoints (nid, slot, hash, size, codec, bytes)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (nid, slot) DO UPDATE SET hash = excluded.hash,"
            + " size = excluded.size, codec = excluded.codec, bytes = excluded.bytes";
    public static final String OWN_CHECKPOINTS = "SELECT slot, hash, size FROM ~checkpoints WHERE nid = ?";
    public static final String UPSERT_RESOLVED = "INSERT INTO ~resolved_checkpoints (nid, slot, node_id, hash, size)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (nid, slot) DO UPDATE SET node_id = excluded.node_id,"
            + " hash = excluded.hash, size = excluded.size";
    public static final String DELETE_RESOLVED = "DELETE FROM ~resolved_checkpoints WHERE nid = ?";
    public static final String DELETE_RESOLVED_SLOT = "DELETE FROM ~resolved_checkpoints WHERE nid = ? AND slot = ?";
    /** {@link Checkpoints.Sql#copyInherited()}: (nid, ck_nid, ck_nid, slots to leave out), {@code %s} their placeholders. */
    public static final String COPY_INHERITED = "INSERT INTO ~resolved_checkpoints (nid, slot, node_id, hash, size)"
            + " SELECT ?::bigint, r.slot, r.node_id, r.hash, r.size FROM (" + Sql.RESOLVED + ") r"
            + " WHERE r.slot NOT IN (%s) RETURNING slot, node_id, hash, size";
    public static final String SET_CK = "UPDATE ~nodes SET ck_nid = ? WHERE nid = ?";
    public static final String HAS_LIVE_CHILD = "SELECT 1 FROM ~nodes WHERE parent_nid = ? AND state = 0 LIMIT 1";
    /** The live descendants of a node, parents before children. */
    public static final String LIVE_SUBTREE = "WITH RECURSIVE sub(nid, parent_nid, ck_nid, node_id, level) AS ("
            + " SELECT nid, parent_nid, ck_nid, node_id, 1 FROM ~nodes WHERE parent_nid = ? AND state = 0"
            + " UNION ALL SELECT n.nid, n.parent_nid, n.ck_nid, n.node_id, sub.level + 1"
            + " FROM sub JOIN ~nodes n ON n.parent_nid = sub.nid WHERE n.state = 0)"
            + " SELECT nid, parent_nid, ck_nid, node_id FROM sub ORDER BY level";

    /** The statements of a commit's shared rules ({@link CommitApply}). */
    public static final CommitApply.Queries COMMITS = new CommitApply.Queries(CAS, CAS_UNCONDITIONAL, SESSION_REVISION,
            IDEMPOTENCY_LOOKUP, INSERT_KEY, NODE_STATE, INSERT_NODE, INSERT_ATTACHMENT, INSERT_USAGE, Sql.RESOLVED,
            BLOB_SIZE, SESSION_BLOB_REF);

    /** Checkpoint resolution (rule 11), shared with the other durable provider. */
    public static final Checkpoints CHECKPOINTS = new Checkpoints(new Checkpoints.Sql(Sql.RESOLVED, UPSERT_CHECKPOINT, SET_CK,
            UPSERT_RESOLVED, HAS_LIVE_CHILD, LIVE_SUBTREE, OWN_CHECKPOINTS, DELETE_RESOLVED, DELETE_RESOLVED_SLOT, COPY_INHERITED));

    /**
     * The head row of the session row {@code s}, for a {@code LATERAL} join: a join on
     * {@code h.sid = s.sid} with {@code s.sid} given would let the planner scan every node of the
     * session by {@code sid} (the equality carries over); this is one lookup of {@code (sid, node_id)}.
     */
    public static final String HEAD_OF_S = "SELECT h.nid, h.state, h.ck_nid FROM ~nodes h WHERE h.sid = s.sid"
            + " AND h.node_id = s.head_node_id LIMIT 1";

    // ---- reads ----

    /**
     * The checkpoint resolved at a node whose {@code ck_nid} is the parameter (bound twice): its own slots
     * (column 5 = 1) and the slots it inherits from its path (column 5 = 0); an own slot wins (issue 17).
     */
    public static final String RESOLVED = "SELECT c.slot, n.node_id, c.hash, c.size, 1 FROM ~checkpoints c"
            + " JOIN ~nodes n ON n.nid = c.nid WHERE c.nid = ?"
            + " UNION ALL SELECT slot, node_id, hash, size, 0 FROM ~resolved_checkpoints WHERE nid = ?";
    public static final String SESSION_ROW = "SELECT s.sid, s.session_id, s.parent_session_id, s.name, s.model, s.cwd,"
            + " s.created_at, s.revision, s.head_node_id, h.nid, h.ck_nid FROM ~sessions s"
            + " LEFT JOIN ~nodes h ON h.sid = s.sid AND h.node_id = s.head_node_id WHERE s.session_id = ?";
    public static final String META = "SELECT sid, session_id, parent_session_id, name, model, cwd, created_at"
            + " FROM ~sessions WHERE session_id = ?";
    public static final String ATTRIBUTES = "SELECT key, value FROM ~session_attributes WHERE sid = ?";
    public static final String NODE_COLUMNS = "n.nid, n.node_id, p.node_id, n.kind, n.codec, n.payload, n.payload_size,"
            + " n.payload_hash, n.attachments, n.seq, n.created_at, n.state";
    /**
     * Walks parent pointers from a node (first parameter) for at most (second parameter) nodes: one
     * primary-key lookup per node, so a tail of n nodes costs n lookups whatever the session's length.
     */
    public static final String PATH_CTE = "WITH RECURSIVE path(nid, depth) AS (SELECT ?::bigint, 0::bigint"
            + " UNION ALL SELECT n.parent_nid, path.depth + 1 FROM path JOIN ~nodes n ON n.nid = path.nid"
            + " WHERE n.parent_nid IS NOT NULL AND path.depth + 1 < ?) ";
    public static final String PATH_NODES = PATH_CTE + "SELECT " + NODE_COLUMNS + " FROM path"
            + " JOIN ~nodes n ON n.nid = path.nid LEFT JOIN ~nodes p ON p.nid = n.parent_nid ORDER BY path.depth DESC";
    public static final String USAGE_COLUMNS = "u.nid, u.revision, u.node_id, u.model, u.input_tokens, u.output_tokens,"
            + " u.cached_input_tokens, u.reasoning_tokens, u.recorded_at";
    public static final String PATH_USAGE = PATH_CTE + "SELECT " + USAGE_COLUMNS + " FROM path"
            + " JOIN ~usage u ON u.nid = path.nid ORDER BY u.revision, u.pos";
    /**
     * Every node of a session up to a state, in no particular order, through the {@code (sid, node_id)}
     * index: no join, no sort. Column 3 is the parent's {@code nid}; the parent's id, the commit order and
     * the walk of a whole active path are done in Java ({@code NodeRows}, issue 19). Tails keep {@link #PATH_NODES}.
     */
    public static final String ALL_NODES = "SELECT n.nid, n.node_id, n.parent_nid, n.kind, n.codec, n.payload,"
            + " n.payload_size, n.payload_hash, n.attachments, n.seq, n.created_at, n.state FROM ~nodes n"
            + " WHERE n.sid = ? AND n.state <= ?";
    /**
     * Every usage record of a session in commit order, by the primary key's range: {@code nid, revision,
     * model}, the four counts, {@code recorded_at}. No {@code node_id}: a whole-history read takes it from
     * the node rows it scanned, and drops the records of nodes it does not return.
     */
    public static final String ALL_USAGE = "SELECT u.nid, u.revision, u.model, u.input_tokens, u.output_tokens,"
            + " u.cached_input_tokens, u.reasoning_tokens, u.recorded_at FROM ~usage u WHERE u.sid = ?"
            + " ORDER BY u.revision, u.pos";
    public static final String TOTALS = "SELECT model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens"
            + " FROM ~usage_totals WHERE sid = ?";
    public static final String LOAD_NODE = "SELECT " + NODE_COLUMNS + ", s.sid AS owner_sid FROM ~sessions s"
            + " JOIN ~nodes n ON n.sid = s.sid AND n.node_id = ? LEFT JOIN ~nodes p ON p.nid = n.parent_nid"
            + " WHERE s.session_id = ? AND n.state = 0";
    /**
     * (hash, hash): a row of {@code blobs}, else a {@code checkpoints} row of a node that is not detached
     * that keeps the value inline ({@link InlineSlots}).
     */
    public static final String LOAD_BLOB = "SELECT size, codec, bytes FROM ~blobs WHERE hash = ?"
            + " UNION ALL " + InlineSlots.CARRIED + " LIMIT 1";
    public static final String SESSION_EXISTS = "SELECT sid FROM ~sessions WHERE session_id = ?";

    /** The first page of the catalogue and the pages after a cursor: one statement, bounded by the cursor. */
    public static final String LIST_PREFIX = "SELECT s.sid, s.session_id, s.parent_session_id, s.name, s.model, s.cwd,"
            + " s.created_at FROM ~sessions s";
    public static final String LIST_ORDER = " ORDER BY s.created_at DESC, s.session_id DESC LIMIT ?";

    /** The statements a test checks with {@code EXPLAIN}: name to SQL. None may scan a whole table. */
    public static final Map<String, String> HOT_READS = Map.ofEntries(
            Map.entry("cas", CAS),
            Map.entry("lockSession", LOCK_SESSION),
            Map.entry("sessionRevision", SESSION_REVISION),
            Map.entry("idempotencyLookup", IDEMPOTENCY_LOOKUP),
            Map.entry("nodeState", NODE_STATE),
            Map.entry("blobSize", BLOB_SIZE),
            Map.entry("sessionBlobRef", SESSION_BLOB_REF),
            Map.entry("ownCheckpoints", OWN_CHECKPOINTS),
            Map.entry("hasLiveChild", HAS_LIVE_CHILD),
            Map.entry("liveSubtree", LIVE_SUBTREE),
            Map.entry("resolved", RESOLVED),
            Map.entry("sessionRow", SESSION_ROW),
            Map.entry("meta", META),
            Map.entry("attributes", ATTRIBUTES),
            Map.entry("pathNodes", PATH_NODES),
            Map.entry("pathUsage", PATH_USAGE),
            Map.entry("allNodes", ALL_NODES),
            Map.entry("allUsage", ALL_USAGE),
            Map.entry("totals", TOTALS),
            Map.entry("loadNode", LOAD_NODE),
            Map.entry("loadBlob", LOAD_BLOB),
            Map.entry("sessionExists", SESSION_EXISTS));
}
