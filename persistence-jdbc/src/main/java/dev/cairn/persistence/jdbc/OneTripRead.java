package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.UsageEntry;
import dev.cairn.persistence.UsageLedger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A session read in one round trip, for a dialect that sends several statements together
 * ({@link SqlDialect#sendsStatementsTogether}): the session row, its attributes, the nodes of the
 * scope, the checkpoint resolved at the head, the usage and the totals, each statement keyed by the
 * handle's {@code sid} (the head found by a join, not by an earlier answer), then the end of the
 * read-only transaction; all from one snapshot, with generic plans ({@link OneTripSql#GENERIC_PLANS}).
 * Rows are mapped as {@link Reads} maps them. Scopes:
 * {@code activePathTail(n)}, {@code activePath()}, {@code fullGraph()} with or without tombstones;
 * {@code activePathTo} takes {@link Reads}' own steps (its leaf is checked first).
 */
final class OneTripRead {
    /**
     * Ends the read-only transaction in the same round trip: the dialect's rollback afterwards finds
     * none open and sends nothing.
     */
    static final String END = "COMMIT";

    private OneTripRead() {
    }

    /**
     * @param scope a read scope
     * @return whether {@link #load} reads it
     */
    static boolean handles(SessionReadScope scope) {
        return scope instanceof SessionReadScope.ActivePathTail || scope instanceof SessionReadScope.ActivePath
                || scope instanceof SessionReadScope.FullGraph || scope instanceof SessionReadScope.FullGraphWithTombstones;
    }

    /**
     * @param reads the row mapping
     * @param dialect the database
     * @param c a read connection in a read-only snapshot
     * @param sid the handle's session key
     * @param scope a scope {@link #handles}
     * @return the read, empty if the session is gone
     * @throws SQLException if the read fails
     */
    static Optional<PersistedSessionRead> load(Reads reads, SqlDialect dialect, Connection c, long sid,
                                               SessionReadScope scope) throws SQLException {
        try (ReadStatements statements = new ReadStatements(c, dialect)) {
            return load(reads, new OneTripStatement(statements), sid, scope);
        }
    }

    private static Optional<PersistedSessionRead> load(Reads reads, OneTripStatement batch, long sid,
                                                       SessionReadScope scope) throws SQLException {
        boolean tail = scope instanceof SessionReadScope.ActivePathTail;
        long n = tail ? ((SessionReadScope.ActivePathTail) scope).n() : 0;
        batch.add(OneTripSql.GENERIC_PLANS);
        batch.add(OneTripSql.READ_SESSION_ROW, sid);
        batch.add(Sql.ATTRIBUTES, sid);
        if (tail) {
            batch.add(OneTripSql.READ_TAIL_NODES, sid, n);
        } else {
            batch.add(Sql.ALL_NODES, sid, 2);
        }
        addHeadCheckpoint(batch, sid);
        if (tail) {
            batch.add(OneTripSql.READ_TAIL_USAGE, sid, n);
        } else {
            batch.add(Sql.ALL_USAGE, sid);
        }
        batch.add(Sql.TOTALS, sid);
        batch.add(END);
        OneTripStatement.Results r = batch.execute();
        r.updateCount(); // GENERIC_PLANS
        ResultSet session = r.next();
        if (!session.next()) {
            return Optional.empty();
        }
        Reads.SessionRow s = new Reads.SessionRow(sid, Reads.metaWithoutAttributes(session), session.getLong(8),
                Optional.ofNullable(session.getString(9)), session.getLong(10), session.getLong(11));
        Map<String, String> attributes = new TreeMap<>();
        for (ResultSet rs = r.next(); rs.next(); ) {
            attributes.put(rs.getString(1), rs.getString(2));
        }
        List<Reads.Row> rows = tail ? tailRows(reads, r.next()) : scopeRows(r.next(), scope, s.headNid());
        TreeMap<String, CheckpointSlot> slots = resolved(r.next());
        List<UsageEntry> turns = tail ? Reads.turns(r.next()) : NodeRows.wholeTurns(r.next(), NodeRows.idsByNid(rows));
        UsageLedger usage = Reads.ledger(r.next(), turns);
        List<SessionNode> nodes = new ArrayList<>(rows.size());
        for (Reads.Row row : rows) {
            nodes.add(row.node());
        }
        return Optional.of(new PersistedSessionRead(s.meta().withAttributes(attributes),
                new SessionHead(s.headId(), s.revision()), nodes, new Checkpoint(slots), usage));
    }

    /**
     * Adds the resolution of the checkpoint at the session's head ({@link OneTripSql#HEAD_RESOLVED}).
     *
     * @param batch the statements
     * @param sid the session's key
     */
    static void addHeadCheckpoint(OneTripStatement batch, long sid) {
        Object[] sids = new Object[OneTripSql.HEAD_RESOLVED_PARAMETERS];
        Arrays.fill(sids, sid);
        batch.add(OneTripSql.HEAD_RESOLVED, sids);
    }

    /**
     * Maps rows of {@link Sql#RESOLVED}: {@code slot, node_id, hash, size}, and a fifth column that is 1
     * for a slot the node holds itself and 0 for an inherited one, where the node's own wins.
     *
     * @param rs the rows
     * @return the slots by name
     * @throws SQLException if the read fails
     */
    static TreeMap<String, CheckpointSlot> resolved(ResultSet rs) throws SQLException {
        TreeMap<String, CheckpointSlot> slots = new TreeMap<>();
        boolean flagged = rs.getMetaData().getColumnCount() >= 5;
        while (rs.next()) {
            String slot = rs.getString(1);
            if (!flagged || rs.getInt(5) == 1 || !slots.containsKey(slot)) {
                slots.put(slot, new CheckpointSlot(slot, rs.getString(2), Checkpoints.ref(rs.getBytes(3), rs.getLong(4))));
            }
        }
        return slots;
    }

    private static List<Reads.Row> tailRows(Reads reads, ResultSet rs) throws SQLException {
        List<Reads.Row> out = new ArrayList<>();
        while (rs.next()) {
            out.add(reads.row(rs));
        }
        return out;
    }

    private static List<Reads.Row> scopeRows(ResultSet rs, SessionReadScope scope, long headNid) throws SQLException {
        NidMap<NodeRows.Stored> byNid = NodeRows.scan(rs);
        if (scope instanceof SessionReadScope.ActivePath) {
            return headNid == 0 ? List.of() : Reads.decoded(NodeRows.pathTo(byNid, headNid), byNid);
        }
        int maxState = scope instanceof SessionReadScope.FullGraph ? 0 : 1;
        return Reads.decoded(NodeRows.inCommitOrder(byNid, maxState), byNid);
    }

    /** A read connection as {@link OneTripStatement} wants it: the one statement it prepares, closed by {@link #close}. */
    private static final class ReadStatements implements Statements, AutoCloseable {
        private final Connection connection;
        private final SqlDialect dialect;
        private final List<PreparedStatement> opened = new ArrayList<>(1);

        ReadStatements(Connection connection, SqlDialect dialect) {
            this.connection = connection;
            this.dialect = dialect;
        }

        @Override
        public PreparedStatement ps(String template) throws SQLException {
            PreparedStatement ps = connection.prepareStatement(dialect.sql(template));
            opened.add(ps);
            return ps;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement ps : opened) {
                ps.close();
            }
        }
    }
}
