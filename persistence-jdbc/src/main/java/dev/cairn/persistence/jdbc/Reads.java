package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import dev.cairn.persistence.UsageLedger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads and row mapping (SPEC rules 9 to 14), each in one read snapshot of the dialect
 * ({@link SqlDialect#read}), so head, nodes, checkpoint and ledger come from one snapshot.
 */
final class Reads {
    private final SqlDialect dialect;

    Reads(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /** The session row with its head's {@code nid} and checkpoint pointer. */
    record SessionRow(long sid, SessionMeta meta, long revision, Optional<String> headId, long headNid, long headCk) {
    }

    Optional<SessionRow> sessionRow(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.SESSION_ROW))) {
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long sid = rs.getLong(1);
                SessionMeta meta = meta(c, rs, sid);
                return Optional.of(new SessionRow(sid, meta, rs.getLong(8), Optional.ofNullable(rs.getString(9)),
                        rs.getLong(10), rs.getLong(11)));
            }
        }
    }

    /** Builds metadata from columns 2 to 7 (session id, parent, name, model, cwd, created) of a row. */
    SessionMeta meta(Connection c, ResultSet rs, long sid) throws SQLException {
        return new SessionMeta(rs.getString(2), rs.getString(4), rs.getString(5), rs.getString(6),
                Optional.ofNullable(rs.getString(3)), Times.fromNanos(rs.getLong(7)), attributes(c, sid));
    }

    /** Like {@link #meta(Connection, ResultSet, long)}, with no attributes yet (the caller loads them). */
    static SessionMeta metaWithoutAttributes(ResultSet rs) throws SQLException {
        return new SessionMeta(rs.getString(2), rs.getString(4), rs.getString(5), rs.getString(6),
                Optional.ofNullable(rs.getString(3)), Times.fromNanos(rs.getLong(7)), Map.of());
    }

    Map<String, String> attributes(Connection c, long sid) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.ATTRIBUTES))) {
            ps.setLong(1, sid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    Optional<SessionMeta> meta(Connection c, String sessionId, long incarnation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.META))) {
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) == incarnation ? Optional.of(meta(c, rs, rs.getLong(1)))
                        : Optional.empty();
            }
        }
    }

    Optional<PersistedSessionRead> load(Connection c, String sessionId, long incarnation, SessionReadScope scope)
            throws SQLException {
        if (dialect.sendsStatementsTogether() && OneTripRead.handles(scope)) {
            return OneTripRead.load(this, dialect, c, incarnation, scope);
        }
        Optional<SessionRow> found = sessionRow(c, sessionId);
        if (found.isEmpty() || found.get().sid() != incarnation) {
            return Optional.empty();
        }
        SessionRow s = found.get();
        long leafNid = s.headNid();
        long leafCk = s.headCk();
        List<Row> rows;
        if (scope instanceof SessionReadScope.ActivePath) {
            rows = wholePath(c, s.sid(), leafNid);
        } else if (scope instanceof SessionReadScope.ActivePathTo to) {
            long[] leaf = liveNode(c, s.sid(), to.leafNodeId());
            if (leaf == null) {
                throw new InvalidRequestException("Leaf " + Ids.quote(to.leafNodeId()) + " is not a live node of session "
                        + Ids.quote(sessionId) + ": activePathTo needs a live node (not unknown, tombstoned or detached)");
            }
            leafNid = leaf[0];
            leafCk = leaf[1];
            rows = wholePath(c, s.sid(), leafNid);
        } else if (scope instanceof SessionReadScope.ActivePathTail tail) {
            rows = path(c, leafNid, tail.n());
        } else if (scope instanceof SessionReadScope.FullGraph) {
            rows = all(c, s.sid(), 0);
        } else if (scope instanceof SessionReadScope.FullGraphWithTombstones) {
            rows = all(c, s.sid(), 1);
        } else {
            throw new InvalidRequestException("Unknown read scope " + scope.getClass().getName());
        }
        Checkpoint checkpoint;
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.RESOLVED))) {
            checkpoint = new Checkpoint(Checkpoints.resolved(ps, leafCk));
        }
        boolean tail = scope instanceof SessionReadScope.ActivePathTail;
        List<UsageEntry> turns = tail ? pathTurns(c, leafNid, rows.size()) : allTurns(c, s.sid(), rows);
        List<SessionNode> nodes = new ArrayList<>(rows.size());
        for (Row r : rows) {
            nodes.add(r.node());
        }
        UsageLedger usage = ledger(c, s.sid(), turns);
        return Optional.of(new PersistedSessionRead(s.meta(), new SessionHead(s.headId(), s.revision()), nodes,
                checkpoint, usage));
    }

    /** A node row: its {@code nid} and the node. */
    record Row(long nid, SessionNode node) {
    }

    private List<Row> path(Connection c, long leafNid, long limit) throws SQLException {
        if (leafNid == 0) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.PATH_NODES))) {
            ps.setLong(1, leafNid);
            ps.setLong(2, limit);
            return rows(ps);
        }
    }

    /** Every node of the session up to a state, in commit order: one scan, parents' ids and order from Java. */
    private List<Row> all(Connection c, long sid, int maxState) throws SQLException {
        NidMap<NodeRows.Stored> byNid = scan(c, sid);
        return decoded(NodeRows.inCommitOrder(byNid, maxState), byNid);
    }

    /** The whole path from a root to a node: one scan of the session's rows, then a walk up the parents in Java. */
    private List<Row> wholePath(Connection c, long sid, long leafNid) throws SQLException {
        if (leafNid == 0) {
            return List.of();
        }
        NidMap<NodeRows.Stored> byNid = scan(c, sid);
        return decoded(NodeRows.pathTo(byNid, leafNid), byNid);
    }

    /** Every node row of the session, every state (a live node's parent may be tombstoned). */
    private NidMap<NodeRows.Stored> scan(Connection c, long sid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.ALL_NODES))) {
            ps.setLong(1, sid);
            ps.setInt(2, 2);
            return NodeRows.scan(ps);
        }
    }

    static List<Row> decoded(List<NodeRows.Stored> stored, NidMap<NodeRows.Stored> byNid) {
        List<Row> out = new ArrayList<>(stored.size());
        for (NodeRows.Stored r : stored) {
            out.add(new Row(r.nid(), r.decode(byNid)));
        }
        return out;
    }

    private List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** Maps a row of {@link Sql#NODE_COLUMNS}, verifying the payload. */
    Row row(ResultSet rs) throws SQLException {
        long nid = rs.getLong(1);
        String nodeId = rs.getString(2);
        byte[] digest = rs.getBytes(8);
        String what = "the payload of node " + Ids.quote(nodeId);
        byte[] payload = Codec.decode(rs.getInt(5), rs.getBytes(6), rs.getLong(7), digest, what);
        SessionNode node = new SessionNode(nodeId, Optional.ofNullable(rs.getString(3)), NodeKind.of(rs.getString(4)),
                payload, Encoding.decodeRefs(rs.getBytes(9), "node " + Ids.quote(nodeId)), rs.getLong(10),
                Times.fromNanos(rs.getLong(11)), rs.getInt(12) == 1, ContentHash.ofDigest(digest));
        return new Row(nid, node);
    }

    /** @return {nid, ck_nid} of a live node, or null */
    long[] liveNode(Connection c, long sid, String nodeId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.NODE_STATE))) {
            ps.setLong(1, sid);
            ps.setString(2, nodeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(2) == 0 ? new long[] {rs.getLong(1), rs.getLong(3)} : null;
            }
        }
    }

    private List<UsageEntry> pathTurns(Connection c, long leafNid, int n) throws SQLException {
        if (leafNid == 0 || n == 0) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.PATH_USAGE))) {
            ps.setLong(1, leafNid);
            ps.setLong(2, n);
            return turns(ps);
        }
    }

    private List<UsageEntry> allTurns(Connection c, long sid, List<Row> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.ALL_USAGE))) {
            ps.setLong(1, sid);
            try (ResultSet rs = ps.executeQuery()) {
                return NodeRows.wholeTurns(rs, NodeRows.idsByNid(rows));
            }
        }
    }

    private List<UsageEntry> turns(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return turns(rs);
        }
    }

    /** Maps rows of {@link Sql#USAGE_COLUMNS}. */
    static List<UsageEntry> turns(ResultSet rs) throws SQLException {
        List<UsageEntry> out = new ArrayList<>();
        while (rs.next()) {
            out.add(new UsageEntry(rs.getLong(2), rs.getString(3), rs.getString(4),
                    new TokenUsage(rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)),
                    Times.fromNanos(rs.getLong(9))));
        }
        return out;
    }

    private UsageLedger ledger(Connection c, long sid, List<UsageEntry> turns) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.TOTALS))) {
            ps.setLong(1, sid);
            try (ResultSet rs = ps.executeQuery()) {
                return ledger(rs, turns);
            }
        }
    }

    /** Builds the ledger from rows of {@link Sql#TOTALS} and the turns. */
    static UsageLedger ledger(ResultSet rs, List<UsageEntry> turns) throws SQLException {
        TokenUsage total = TokenUsage.ZERO;
        Map<String, TokenUsage> byModel = new TreeMap<>();
        while (rs.next()) {
            TokenUsage u = new TokenUsage(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
            String model = rs.getString(1);
            if (model.equals(Sql.TOTAL_MODEL)) {
                total = u;
            } else {
                byModel.put(model, u);
            }
        }
        return new UsageLedger(total, byModel, turns);
    }

    Optional<SessionNode> loadNode(Connection c, String sessionId, long incarnation, String nodeId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.LOAD_NODE))) {
            ps.setString(1, nodeId);
            ps.setString(2, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong("owner_sid") == incarnation ? Optional.of(row(rs).node())
                        : Optional.empty();
            }
        }
    }

    /** Rule 13: a blob the session references, read in one transaction with the check. */
    Optional<byte[]> loadBlob(Connection c, ContentHash hash, long sid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.SESSION_BLOB_REF))) {
            if (!CommitApply.sessionReferences(ps, hash, sid)) {
                return Optional.empty();
            }
        }
        return loadBlob(c, hash);
    }

    Optional<byte[]> loadBlob(Connection c, ContentHash hash) throws SQLException {
        byte[] digest = hash.toBytes();
        try (PreparedStatement ps = c.prepareStatement(dialect.sql(Sql.LOAD_BLOB))) {
            ps.setBytes(1, digest);
            ps.setBytes(2, digest);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(Codec.decode(rs.getInt(2), rs.getBytes(3), rs.getLong(1), digest, "blob " + hash));
            }
        }
    }
}
