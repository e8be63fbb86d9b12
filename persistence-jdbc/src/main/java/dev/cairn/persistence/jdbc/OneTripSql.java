package dev.cairn.persistence.jdbc;

/**
 * The statements of a commit sent in one round trip ({@link OneTripCommit}), and of a session read
 * ({@link OneTripRead}), PostgreSQL spelling: each
 * takes only values Java knows before it sends anything (the handle's {@code sid}, the commit's ids,
 * arrays of its rows through {@code unnest}), and finds what an earlier statement wrote by the rows it
 * left ({@code sessions.last_seq} and {@code revision} after the compare-and-set, the nodes just
 * inserted), so the statements can go to the server together. Whether each did what it should comes
 * back in its result and is checked in Java.
 *
 * <p>Every lookup of a row by the commit's ids is a {@code LATERAL ... LIMIT 1} subquery: one index
 * lookup per array element whatever plan is cached. As plain joins, a generic plan made while the
 * tables were small (the statements are prepared once per connection) may hash-join the whole
 * {@code nodes} index, and a commit then costs more as the store grows.
 *
 * <p>The inserts of single rows (one node, usage records, attachment rows, the idempotency key) take
 * {@code ON CONFLICT DO NOTHING}: a replay of a keyed commit runs them too (it learns that the key is
 * used only from the results), and a statement that failed would cost the slow path; a row not
 * inserted shows in the counts Java checks. The bulk node insert does without (a speculative insertion
 * per row costs), so a replay of a commit of several nodes takes the slow path.
 */
public final class OneTripSql {
    private OneTripSql() {
    }

    private static String replace(String sql, String part, String by) {
        if (!sql.contains(part)) {
            throw new IllegalStateException("statement changed: no '" + part + "' in " + sql);
        }
        return sql.replace(part, by);
    }

    /**
     * Plans the statements once per connection: they are written so that a generic plan finds every
     * row through an index (below; the plan tests check the generic plans), and a custom plan, which
     * PostgreSQL otherwise may make at each run of a statement (it did for those with array
     * parameters), costs more server time than the statement itself. Undone at the end of the
     * transaction.
     */
    public static final String GENERIC_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan";

    /**
     * Inserts the commit's nodes, one row per array element, with {@code nid}s drawn from the identity
     * sequence first (PostgreSQL names it {@code nodes_nid_seq}; were it named otherwise, the statement
     * would fail and every commit take the slow path, which {@code RoundTripTest} would show), so a child
     * names a parent of the same commit by its position ({@code parent_ord}, 0 for none). {@code anchor}
     * is the stored node a node's chain in the commit hangs from ({@code ''} for none): the parent of a
     * node whose parent is stored, where {@code ck_nid} comes from too, looked up once per distinct anchor.
     * The same statement inserts the commit's usage records (a writable CTE): a record of a node of this
     * commit takes that node's {@code nid} by position ({@code node_ord}), without a lookup; a record of a
     * stored node looks it up live; a record of an unknown node inserts nothing. The revision is the
     * session's after the compare-and-set. Parameters: 9 node arrays, the {@code sid}, the node count,
     * the time, the {@code sid}; the time, 7 usage arrays (node ids, node positions, models, 4 token
     * counts), the {@code sid}. Returns one row: the nodes inserted, how many of them have no parent (a
     * null more than the roots means a parent not found live), the usage rows inserted. An id taken fails
     * the insert (unique violation): without {@code ON CONFLICT}, which costs a speculative insertion per row.
     */
    public static final String INSERT_NODES = "WITH t AS (SELECT * FROM unnest(?::text[], ?::int[], ?::text[], ?::text[],"
            + " ?::int[], ?::bytea[], ?::int[], ?::bytea[], ?::bytea[]) WITH ORDINALITY AS t(node_id, parent_ord,"
            + " anchor, kind, codec, payload, payload_size, payload_hash, attachments, ord)),"
            + " ids AS MATERIALIZED (SELECT t.ord, nextval('~nodes_nid_seq'::regclass) AS nid FROM t),"
            + " a AS MATERIALIZED (SELECT x.anchor, n.nid, n.ck_nid FROM (SELECT DISTINCT anchor FROM t"
            + " WHERE anchor <> '') x JOIN LATERAL (SELECT n.nid, n.ck_nid FROM ~nodes n WHERE n.sid = ?"
            + " AND n.node_id = x.anchor AND n.state = 0 LIMIT 1) n ON true),"
            + " n AS (INSERT INTO ~nodes (nid, sid, node_id, parent_nid, seq, kind, codec, payload, payload_size,"
            + " payload_hash, attachments, created_at, ck_nid) OVERRIDING SYSTEM VALUE"
            + " SELECT ids.nid, s.sid, t.node_id, coalesce(p.nid, a.nid), s.last_seq - ? + t.ord, t.kind, t.codec,"
            + " t.payload, t.payload_size, t.payload_hash, nullif(t.attachments, ''::bytea), ?, a.ck_nid"
            + " FROM t JOIN ids ON ids.ord = t.ord JOIN ~sessions s ON s.sid = ?"
            + " LEFT JOIN ids p ON p.ord = t.parent_ord LEFT JOIN a ON a.anchor = t.anchor"
            + " RETURNING parent_nid),"
            + " u AS (INSERT INTO ~usage (sid, revision, pos, nid, node_id, model, input_tokens, output_tokens,"
            + " cached_input_tokens, reasoning_tokens, recorded_at)"
            + " SELECT s.sid, s.revision, r.ord - 1, coalesce(i.nid, x.nid), r.node_id, r.model, r.i, r.o, r.c, r.r, ?"
            + " FROM unnest(?::text[], ?::int[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])"
            + " WITH ORDINALITY AS r(node_id, node_ord, model, i, o, c, r, ord) JOIN ~sessions s ON s.sid = ?"
            + " LEFT JOIN ids i ON i.ord = r.node_ord"
            + " LEFT JOIN LATERAL (SELECT n.nid FROM ~nodes n WHERE r.node_ord = 0 AND n.sid = s.sid"
            + " AND n.node_id = r.node_id AND n.state = 0 LIMIT 1) x ON true"
            + " WHERE coalesce(i.nid, x.nid) IS NOT NULL RETURNING 1)"
            + " SELECT count(*), count(*) FILTER (WHERE n.parent_nid IS NULL), (SELECT count(*) FROM u) FROM n";

    /**
     * {@link #INSERT_NODES} for a commit of one node, without arrays (cheaper for the server to run):
     * (node_id, kind, codec, payload, payload_size, payload_hash, attachments or empty, time, anchor, sid).
     */
    public static final String INSERT_NODE = "INSERT INTO ~nodes (sid, node_id, parent_nid, seq, kind, codec, payload,"
            + " payload_size, payload_hash, attachments, created_at, ck_nid) SELECT s.sid, ?, a.nid, s.last_seq, ?, ?,"
            + " ?, ?, ?, nullif(?::bytea, ''::bytea), ?, a.ck_nid FROM ~sessions s LEFT JOIN LATERAL (SELECT a.nid,"
            + " a.ck_nid FROM ~nodes a WHERE a.sid = s.sid AND a.node_id = ? AND a.state = 0 LIMIT 1) a ON true"
            + " WHERE s.sid = ? ON CONFLICT DO NOTHING RETURNING parent_nid";

    /** Carried blobs not stored yet, in hash order: (hashes, sizes, codecs, bytes, time). */
    public static final String INSERT_BLOBS = "INSERT INTO ~blobs (hash, size, codec, bytes, created_at)"
            + " SELECT t.h, t.s, t.c, t.b, ? FROM unnest(?::bytea[], ?::bigint[], ?::int[], ?::bytea[]) AS t(h, s, c, b)"
            + " ORDER BY t.h ON CONFLICT (hash) DO NOTHING";

    /**
     * Every referenced blob, share-locked in hash order until the commit ends, as
     * {@code Commits.LOCK_BLOB} does one by one: gc and delete lock a blob exclusively before they remove
     * it. (hashes) -> hash, size.
     */
    public static final String LOCK_BLOBS = "SELECT hash, size FROM ~blobs WHERE hash = ANY(?::bytea[]) ORDER BY hash"
            + " FOR KEY SHARE";

    /** Which of these blobs a node of the session that is not detached references (rule 6): (hashes, sid, sid). */
    public static final String SESSION_REFS = "SELECT u.h FROM unnest(?::bytea[]) AS u(h) JOIN LATERAL (SELECT 1"
            + " FROM ~attachments a JOIN ~nodes n ON n.nid = a.nid WHERE a.hash = u.h AND n.sid = ? AND n.state < 2"
            + " UNION ALL SELECT 1 FROM ~checkpoints c JOIN ~nodes n ON n.nid = c.nid WHERE c.hash = u.h"
            + " AND n.sid = ? AND n.state < 2 LIMIT 1) x ON true";

    /** The attachment rows: (node ids, positions, hashes, sid). */
    public static final String INSERT_ATTACHMENTS = "INSERT INTO ~attachments (nid, pos, hash) SELECT n.nid, t.pos, t.h"
            + " FROM unnest(?::text[], ?::int[], ?::bytea[]) AS t(node_id, pos, h)"
            + " JOIN LATERAL (SELECT n.nid FROM ~nodes n WHERE n.sid = ? AND n.node_id = t.node_id LIMIT 1) n ON true"
            + " ON CONFLICT DO NOTHING";

    /**
     * The usage rows, each joined to its live node (a record of an unknown node inserts nothing):
     * (time, node ids, models, 4 token arrays, sid). The revision is the session's after the compare-and-set.
     */
    public static final String INSERT_USAGE = "INSERT INTO ~usage (sid, revision, pos, nid, node_id, model, input_tokens,"
            + " output_tokens, cached_input_tokens, reasoning_tokens, recorded_at)"
            + " SELECT s.sid, s.revision, t.ord - 1, n.nid, t.node_id, t.model, t.i, t.o, t.c, t.r, ?"
            + " FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])"
            + " WITH ORDINALITY AS t(node_id, model, i, o, c, r, ord)"
            + " JOIN ~sessions s ON s.sid = ? JOIN LATERAL (SELECT n.nid FROM ~nodes n WHERE n.sid = s.sid"
            + " AND n.node_id = t.node_id AND n.state = 0 LIMIT 1) n ON true ON CONFLICT DO NOTHING";

    /** {@link #INSERT_USAGE} of one record: (time, node id, model, 4 token counts, node id, sid). */
    public static final String INSERT_ONE_USAGE = "INSERT INTO ~usage (sid, revision, pos, nid, node_id, model,"
            + " input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, recorded_at)"
            + " SELECT s.sid, s.revision, 0, n.nid, ?, ?, ?, ?, ?, ?, ? FROM ~sessions s JOIN LATERAL (SELECT n.nid"
            + " FROM ~nodes n WHERE n.sid = s.sid AND n.node_id = ? AND n.state = 0 LIMIT 1) n ON true WHERE s.sid = ?"
            + " ON CONFLICT DO NOTHING";

    private static final String ADD_TO_TOTAL = " ON CONFLICT (sid, model) DO UPDATE SET"
            + " input_tokens = t.input_tokens + excluded.input_tokens,"
            + " output_tokens = t.output_tokens + excluded.output_tokens,"
            + " cached_input_tokens = t.cached_input_tokens + excluded.cached_input_tokens,"
            + " reasoning_tokens = t.reasoning_tokens + excluded.reasoning_tokens";

    /**
     * {@link #ADD_TOTALS} of one record: (sid, model, 4 token counts, sid, 4 token counts), the second
     * row the all-models total.
     */
    public static final String ADD_ONE_TOTAL = "INSERT INTO ~usage_totals AS t (sid, model, input_tokens, output_tokens,"
            + " cached_input_tokens, reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?), (?, '', ?, ?, ?, ?)" + ADD_TO_TOTAL;

    /**
     * Adds sums to the per-model totals and the all-models total ({@code ''}, {@link Sql#TOTAL_MODEL}):
     * (sid, models, 4 token arrays), one element per model and one for {@code ''}, summed in Java. A total
     * past {@code bigint} fails with SQLState 22003.
     */
    public static final String ADD_TOTALS = "INSERT INTO ~usage_totals AS t (sid, model, input_tokens, output_tokens,"
            + " cached_input_tokens, reasoning_tokens) SELECT ?, x.m, x.i, x.o, x.c, x.r FROM unnest(?::text[],"
            + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) AS x(m, i, o, c, r)" + ADD_TO_TOTAL;

    /** The state of the head after the commit: (sid) -> state. */
    public static final String HEAD = "SELECT h.state FROM ~sessions s JOIN LATERAL (" + Sql.HEAD_OF_S + ") h ON true"
            + " WHERE s.sid = ?";

    /** The {@code ck_nid} of the session's head: (sid). */
    private static final String HEAD_CK = "(SELECT h.ck_nid FROM ~sessions s JOIN LATERAL (" + Sql.HEAD_OF_S
            + ") h ON true WHERE s.sid = ?)";

    /**
     * The checkpoint resolved at the session's head (rule 11): {@link Sql#RESOLVED}, the one definition
     * of the resolution, with the head's {@code ck_nid} found in the statement. Parameters: the
     * session's {@code sid}, {@link #HEAD_RESOLVED_PARAMETERS} times.
     */
    public static final String HEAD_RESOLVED = Sql.RESOLVED.replace("?", HEAD_CK);
    /** How many times {@link #HEAD_RESOLVED} takes the {@code sid}. */
    public static final int HEAD_RESOLVED_PARAMETERS = (int) Sql.RESOLVED.chars().filter(ch -> ch == '?').count();

    /**
     * One slot of a resolved checkpoint in {@link Encoding#encodeCheckpoint}'s form (ids are ASCII, so
     * Java's modified UTF-8 is their bytes; a resolved slot's media type is always
     * {@code application/octet-stream}, 24 bytes).
     */
    private static final String ENCODED_SLOT = "int2send(octet_length(r.slot)::int2) || convert_to(r.slot, 'UTF8')"
            + " || int2send(octet_length(r.node_id)::int2) || convert_to(r.node_id, 'UTF8') || r.hash"
            + " || int8send(r.size) || int2send(24::int2) || convert_to('application/octet-stream', 'UTF8')";

    /**
     * The idempotency key with the commit's result, the checkpoint encoded in SQL; Java compares the
     * bytes it returns with its own encoding. (key, fingerprint, time, sid) -> checkpoint.
     */
    public static final String INSERT_KEY = "INSERT INTO ~idempotency_keys (sid, key, fingerprint, revision, head_node_id,"
            + " committed_at, checkpoint) SELECT s.sid, ?, ?, s.revision, s.head_node_id, ?,"
            + " decode('01', 'hex') || int4send(count(r.slot)::int)"
            + " || coalesce(string_agg(" + ENCODED_SLOT + ", ''::bytea ORDER BY r.slot), ''::bytea)"
            + " FROM ~sessions s LEFT JOIN LATERAL (" + Sql.HEAD_OF_S + ") h ON true"
            + " LEFT JOIN LATERAL (SELECT DISTINCT ON (x.slot) x.slot, x.node_id, x.hash, x.size FROM ("
            + Sql.RESOLVED.replace("?", "h.ck_nid") + ") x(slot, node_id, hash, size, own)"
            + " ORDER BY x.slot, x.own DESC) r ON true WHERE s.sid = ?"
            + " GROUP BY s.sid, s.revision, s.head_node_id ON CONFLICT DO NOTHING RETURNING checkpoint";

    // ---- a session read in one round trip (OneTripRead) ----

    private static final String HEAD_NID = "SELECT h.nid, 0::bigint FROM ~sessions s JOIN LATERAL (" + Sql.HEAD_OF_S
            + ") h ON true WHERE s.sid = ?";

    /** {@link Sql#SESSION_ROW} of the handle's {@code sid}, the head found by {@link Sql#HEAD_OF_S}. */
    public static final String READ_SESSION_ROW = replace(replace(Sql.SESSION_ROW, "WHERE s.session_id = ?",
            "WHERE s.sid = ?"), "LEFT JOIN ~nodes h ON h.sid = s.sid AND h.node_id = s.head_node_id",
            "LEFT JOIN LATERAL (" + Sql.HEAD_OF_S + ") h ON true");
    /** {@link Sql#PATH_NODES} from the head of a session: (sid, n). */
    public static final String READ_TAIL_NODES = replace(Sql.PATH_NODES, "SELECT ?::bigint, 0::bigint", HEAD_NID);
    /** {@link Sql#PATH_USAGE} from the head of a session: (sid, n). */
    public static final String READ_TAIL_USAGE = replace(Sql.PATH_USAGE, "SELECT ?::bigint, 0::bigint", HEAD_NID);
}
