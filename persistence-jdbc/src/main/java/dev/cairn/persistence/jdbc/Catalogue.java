package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.SessionCursor;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sessions as a whole: create, list, fork, delete (SPEC rules 18 to 21). */
public final class Catalogue {
    private static final Logger LOG = LoggerFactory.getLogger(Catalogue.class);

    /**
     * The session id of the first page's cursor, after every id: ids are ASCII ({@code Ids#RULE}) and
     * compared in byte order ({@code COLLATE "C"} in PostgreSQL, SQLite's default {@code BINARY}).
     */
    static final String FIRST_PAGE_CURSOR = "\uffff";
    public static final String INSERT_SESSION = "INSERT INTO ~sessions (session_id, parent_session_id, name, model, cwd,"
            + " created_at, head_node_id, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO NOTHING"
            + " RETURNING sid";
    public static final String INSERT_ATTRIBUTE = "INSERT INTO ~session_attributes (sid, key, value) VALUES (?, ?, ?)";
    public static final String COPY_ATTRIBUTES = "INSERT INTO ~session_attributes (sid, key, value)"
            + " SELECT ?, key, value FROM ~session_attributes WHERE sid = ?";
    public static final String FORK_PATH = Sql.PATH_CTE + "SELECT n.nid, n.ck_nid FROM path"
            + " JOIN ~nodes n ON n.nid = path.nid ORDER BY path.depth DESC";
    public static final String COPY_NODE = "INSERT INTO ~nodes (sid, node_id, parent_nid, seq, kind, codec, payload,"
            + " payload_size, payload_hash, attachments, created_at, state, ck_nid)"
            + " SELECT ?, node_id, ?, ?, kind, codec, payload, payload_size, payload_hash, attachments, created_at, 0, ?"
            + " FROM ~nodes WHERE nid = ? RETURNING nid";
    public static final String COPY_ATTACHMENTS = "INSERT INTO ~attachments (nid, pos, hash)"
            + " SELECT ?, pos, hash FROM ~attachments WHERE nid = ?";
    public static final String COPY_CHECKPOINTS = "INSERT INTO ~checkpoints (nid, slot, hash, size, codec, bytes)"
            + " SELECT ?, slot, hash, size, codec, bytes FROM ~checkpoints WHERE nid = ?";
    public static final String COPY_RESOLVED = "INSERT INTO ~resolved_checkpoints (nid, slot, node_id, hash, size)"
            + " SELECT ?, slot, node_id, hash, size FROM ~resolved_checkpoints WHERE nid = ?";
    /** Holds the source still while it is copied: no commit, tombstone or delete of it meanwhile. */
    public static final String SOURCE = "SELECT sid, name, model, cwd FROM ~sessions WHERE session_id = ? FOR SHARE";

    /** Forks (rule 20). */
    static final Forks FORKS = new Forks(new Forks.Queries(SOURCE, Sql.NODE_STATE, FORK_PATH, INSERT_SESSION,
            COPY_ATTRIBUTES, COPY_NODE, Sql.SET_CK, COPY_ATTACHMENTS, COPY_CHECKPOINTS, COPY_RESOLVED));

    public static final String SESSION_HASHES = "SELECT a.hash FROM ~nodes n JOIN ~attachments a ON a.nid = n.nid"
            + " WHERE n.sid = ? UNION SELECT c.hash FROM ~nodes n JOIN ~checkpoints c ON c.nid = n.nid WHERE n.sid = ?";
    public static final String[] DELETE_SESSION_ROWS = {
        "DELETE FROM ~attachments WHERE nid IN (SELECT nid FROM ~nodes WHERE sid = ?)",
        "DELETE FROM ~checkpoints WHERE nid IN (SELECT nid FROM ~nodes WHERE sid = ?)",
        "DELETE FROM ~resolved_checkpoints WHERE nid IN (SELECT nid FROM ~nodes WHERE sid = ?)",
        "DELETE FROM ~nodes WHERE sid = ?",
        "DELETE FROM ~usage WHERE sid = ?",
        "DELETE FROM ~usage_totals WHERE sid = ?",
        "DELETE FROM ~idempotency_keys WHERE sid = ?",
        "DELETE FROM ~session_attributes WHERE sid = ?",
        "DELETE FROM ~sessions WHERE sid = ?",
    };
    /**
     * Locks a blob row against commits that would reference it ({@link Sql#LOCK_BLOB} waits), and waits
     * for those that already hold it; the next statement then sees their references.
     */
    public static final String LOCK_BLOB_EXCLUSIVE = "SELECT 1 FROM ~blobs WHERE hash = ? FOR UPDATE";
    /** Deletes a blob unless a node that is not detached references it. */
    public static final String DELETE_BLOB_IF_UNREFERENCED = "DELETE FROM ~blobs AS b WHERE b.hash = ?"
            + " AND NOT EXISTS (SELECT 1 FROM ~attachments a JOIN ~nodes n ON n.nid = a.nid WHERE a.hash = b.hash AND n.state < 2)"
            + " AND NOT EXISTS (SELECT 1 FROM ~checkpoints c JOIN ~nodes n ON n.nid = c.nid WHERE c.hash = b.hash AND n.state < 2)";

    private final SqlDialect dialect;

    Catalogue(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Creates the session if absent; never overwrites existing metadata.
     *
     * @return the internal key of the session, new or existing
     */
    long create(SessionStoreCreateRequest r) {
        Optional<Long> existing = dialect.read("open session '" + r.sessionId() + "'", c -> sessionSid(c, r.sessionId()));
        if (existing.isPresent()) {
            return existing.get();
        }
        return dialect.write("create session '" + r.sessionId() + "'", tx -> {
            PreparedStatement ps = tx.ps(INSERT_SESSION);
            ps.setString(1, r.sessionId());
            ps.setString(2, r.parentSessionId().orElse(null));
            ps.setString(3, r.name());
            ps.setString(4, r.model());
            ps.setString(5, r.cwd());
            ps.setLong(6, Times.toNanos(Times.now()));
            ps.setNull(7, Types.VARCHAR);
            ps.setLong(8, 0);
            Long sid = null;
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    sid = rs.getLong(1);
                }
            }
            if (sid != null) {
                insertAttributes(tx, sid, r.attributes());
                LOG.debug("Created session {} in {}", r.sessionId(), dialect.location());
                return sid;
            }
            return sidIn(tx, r.sessionId()); // created meanwhile by another factory
        });
    }

    /** @return the internal key of a session the transaction sees, which must exist */
    private static long sidIn(Statements tx, String sessionId) throws SQLException {
        PreparedStatement ps = tx.ps(Sql.SESSION_EXISTS);
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SessionNotFoundException(sessionId);
            }
            return rs.getLong(1);
        }
    }

    static void insertAttributes(Statements tx, long sid, Map<String, String> attributes) throws SQLException {
        if (attributes.isEmpty()) {
            return;
        }
        PreparedStatement ps = tx.ps(INSERT_ATTRIBUTE);
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            ps.setLong(1, sid);
            ps.setString(2, e.getKey());
            ps.setString(3, e.getValue());
            ps.executeUpdate();
        }
    }

    boolean sessionExists(Connection c, String sessionId) throws SQLException {
        return sessionSid(c, sessionId).isPresent();
    }

    /** @return the internal key of the session, if it exists */
    Optional<Long> sessionSid(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.SESSION_EXISTS))) {
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** @return the internal key of the session, if it exists */
    Optional<Long> sid(String sessionId) {
        return dialect.read("look up session '" + sessionId + "'", c -> sessionSid(c, sessionId));
    }

    SessionPage list(SessionQuery query) {
        Optional<SessionCursor> position = query.position();
        String sql = listSql(query.parentSessionId().isPresent(), query.attributes().size());
        return dialect.read("list sessions", c -> {
            List<SessionMeta> page = new ArrayList<>();
            List<Long> sids = new ArrayList<>();
            boolean more = false;
            try (PreparedStatement ps = c.prepareStatement(dialect.sql(sql))) {
                int i = 1;
                if (position.isPresent()) {
                    ps.setLong(i++, Times.toNanosClamped(position.get().createdAt()));
                    ps.setString(i++, position.get().sessionId());
                } else {
                    ps.setLong(i++, Long.MAX_VALUE);
                    ps.setString(i++, FIRST_PAGE_CURSOR);
                }
                if (query.parentSessionId().isPresent()) {
                    ps.setString(i++, query.parentSessionId().get());
                }
                for (Map.Entry<String, String> e : query.attributes().entrySet()) {
                    ps.setString(i++, e.getKey());
                    ps.setString(i++, e.getValue());
                }
                ps.setInt(i, query.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (page.size() == query.limit()) {
                            more = true;
                            break;
                        }
                        sids.add(rs.getLong(1));
                        page.add(Reads.metaWithoutAttributes(rs));
                    }
                }
            }
            if (!page.isEmpty()) {
                page = withAttributes(c, page, sids);
            }
            Optional<String> next = more ? Optional.of(SessionCursor.after(page.get(page.size() - 1)).encode())
                    : Optional.empty();
            return new SessionPage(page, next);
        });
    }

    /**
     * Adds the attributes of a whole page with one query (not one per session): a range of the
     * {@code (sid, key)} primary key per listed session.
     */
    private List<SessionMeta> withAttributes(Connection c, List<SessionMeta> page, List<Long> sids)
            throws SQLException {
        Map<Long, Map<String, String>> attributes = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(pageAttributesSql(sids.size())))) {
            for (int i = 0; i < sids.size(); i++) {
                ps.setLong(i + 1, sids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    attributes.computeIfAbsent(rs.getLong(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        List<SessionMeta> out = new ArrayList<>(page.size());
        for (int i = 0; i < page.size(); i++) {
            SessionMeta m = page.get(i);
            Map<String, String> a = attributes.getOrDefault(sids.get(i), new TreeMap<>());
            out.add(new SessionMeta(m.sessionId(), m.name(), m.model(), m.cwd(), m.parentSessionId(), m.createdAt(), a));
        }
        return out;
    }

    /** The attributes of {@code sessions} listed sessions (1 to {@link SessionQuery#MAX_LIMIT} placeholders). */
    public static String pageAttributesSql(int sessions) {
        StringBuilder sql = new StringBuilder("SELECT sid, key, value FROM ~session_attributes WHERE sid IN (?");
        for (int i = 1; i < sessions; i++) {
            sql.append(", ?");
        }
        return sql.append(')').toString();
    }

    /**
     * The catalogue query: newest first, after a cursor (the first page passes a cursor after every
     * session, {@link #FIRST_PAGE_CURSOR}), so it is always a backward range of
     * {@code sessions_by_created} or {@code sessions_by_parent}.
     */
    public static String listSql(boolean parentFilter, int attributeFilters) {
        StringBuilder sql = new StringBuilder(Sql.LIST_PREFIX).append(" WHERE (s.created_at, s.session_id) < (?, ?)");
        if (parentFilter) {
            sql.append(" AND s.parent_session_id = ?");
        }
        for (int i = 0; i < attributeFilters; i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM ~session_attributes a WHERE a.sid = s.sid AND a.key = ? AND a.value = ?)");
        }
        return sql.append(Sql.LIST_ORDER).toString();
    }

    /** Copies the source's path to the fork node into a new session; blobs are shared. */
    long fork(ForkRequest r) {
        return dialect.write("fork session '" + r.sourceSessionId() + "'", tx -> {
            int copied = FORKS.fork(tx, r);
            LOG.debug("Forked session {} at its node {} into {} ({} nodes)", r.sourceSessionId(), r.atNodeId(),
                    r.newSessionId(), copied);
            return sidIn(tx, r.newSessionId());
        });
    }

    /**
     * Erases a session and the blobs that no other session's nodes (not detached) reference. Each
     * candidate blob is locked (in hash order) before it is checked, so a commit of another session
     * or instance that references it either finished before the check and keeps it, or waits and then
     * finds it gone.
     */
    boolean delete(String sessionId) {
        return dialect.write("delete session '" + sessionId + "'", tx -> {
            long sid;
            PreparedStatement find = tx.ps(Sql.LOCK_SESSION);
            find.setString(1, sessionId);
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                sid = rs.getLong(1);
            }
            TreeMap<String, byte[]> candidates = new TreeMap<>();
            PreparedStatement h = tx.ps(SESSION_HASHES);
            h.setLong(1, sid);
            h.setLong(2, sid);
            try (ResultSet rs = h.executeQuery()) {
                while (rs.next()) {
                    byte[] hash = rs.getBytes(1);
                    candidates.put(ContentHash.ofDigest(hash).toString(), hash);
                }
            }
            for (String sql : DELETE_SESSION_ROWS) {
                PreparedStatement ps = tx.ps(sql);
                ps.setLong(1, sid);
                ps.executeUpdate();
            }
            int blobs = 0;
            PreparedStatement lock = tx.ps(LOCK_BLOB_EXCLUSIVE);
            PreparedStatement del = tx.ps(DELETE_BLOB_IF_UNREFERENCED);
            for (byte[] hash : candidates.values()) {
                lock.setBytes(1, hash);
                lock.executeQuery().close();
                del.setBytes(1, hash);
                blobs += del.executeUpdate();
            }
            LOG.debug("Deleted session {} of {} and {} blobs only it referenced", sessionId, dialect.location(), blobs);
            return true;
        });
    }
}
