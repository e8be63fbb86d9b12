package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionNotFoundException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A fork (SPEC rule 20) inside a write transaction: the source's path to the fork node is copied
 * into a new session, with its attributes, attachments and own checkpoint slots; blobs are shared,
 * not copied. The same for every JDBC provider; each gives its statements.
 */
public final class Forks {
    /**
     * The statements, in the provider's dialect (columns: see the SQLite provider's {@code Catalogue}).
     *
     * @param source {@code (session_id) -> sid, name, model, cwd} of the source; a provider whose
     *     writers run concurrently locks the row against changes while it is copied
     * @param nodeState {@code (sid, node_id) -> nid, state, ck_nid}
     * @param forkPath {@code (nid, limit) -> nid, ck_nid} of the path to a node, root first
     * @param insertSession {@code (session_id, parent, name, model, cwd, created_at, head, last_seq) -> sid},
     *     no row if the id is taken
     * @param copyAttributes {@code (new sid, source sid)}
     * @param copyNode {@code (sid, parent_nid, seq, ck_nid, source nid) -> nid}
     * @param setCk {@code (ck_nid, nid)}
     * @param copyAttachments {@code (nid, source nid)}
     * @param copyCheckpoints {@code (nid, source nid)}
     * @param copyResolved {@code (nid, source nid)}
     */
    public record Queries(String source, String nodeState, String forkPath, String insertSession,
                          String copyAttributes, String copyNode, String setCk, String copyAttachments,
                          String copyCheckpoints, String copyResolved) {
    }

    private final Queries sql;

    /**
     * @param sql the provider's statements
     */
    public Forks(Queries sql) {
        this.sql = sql;
    }

    /**
     * Forks a session.
     *
     * @param tx the write transaction
     * @param r the fork
     * @return the nodes copied
     * @throws SessionNotFoundException if the source does not exist
     * @throws InvalidRequestException if the fork node is not live or the new id is taken
     * @throws SQLException if a statement fails
     */
    public int fork(Statements tx, ForkRequest r) throws SQLException {
        long source;
        String name;
        String model;
        String cwd;
        PreparedStatement src = tx.ps(sql.source());
        src.setString(1, r.sourceSessionId());
        try (ResultSet rs = src.executeQuery()) {
            if (!rs.next()) {
                throw new SessionNotFoundException(r.sourceSessionId());
            }
            source = rs.getLong(1);
            name = rs.getString(2);
            model = rs.getString(3);
            cwd = rs.getString(4);
        }
        long at;
        PreparedStatement node = tx.ps(sql.nodeState());
        node.setLong(1, source);
        node.setString(2, r.atNodeId());
        try (ResultSet rs = node.executeQuery()) {
            if (!rs.next() || rs.getInt(2) != 0) {
                throw new InvalidRequestException("Cannot fork session " + Ids.quote(r.sourceSessionId()) + " at "
                        + Ids.quote(r.atNodeId()) + ": it is not a live node of the session");
            }
            at = rs.getLong(1);
        }
        List<long[]> path = new ArrayList<>();
        PreparedStatement walk = tx.ps(sql.forkPath());
        walk.setLong(1, at);
        walk.setLong(2, Long.MAX_VALUE);
        try (ResultSet rs = walk.executeQuery()) {
            while (rs.next()) {
                path.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        }
        PreparedStatement insert = tx.ps(sql.insertSession());
        insert.setString(1, r.newSessionId());
        insert.setString(2, r.sourceSessionId());
        insert.setString(3, name);
        insert.setString(4, model);
        insert.setString(5, cwd);
        insert.setLong(6, Times.toNanos(Times.now()));
        insert.setString(7, r.atNodeId());
        insert.setLong(8, path.size());
        long sid;
        try (ResultSet rs = insert.executeQuery()) {
            if (!rs.next()) {
                throw new InvalidRequestException("Cannot fork into session " + Ids.quote(r.newSessionId())
                        + ": a session with this id exists; a fork needs a new session id");
            }
            sid = rs.getLong(1);
        }
        PreparedStatement attrs = tx.ps(sql.copyAttributes());
        attrs.setLong(1, sid);
        attrs.setLong(2, source);
        attrs.executeUpdate();
        copyPath(tx, sid, path);
        return path.size();
    }

    private void copyPath(Statements tx, long sid, List<long[]> path) throws SQLException {
        HashMap<Long, Long> copies = new HashMap<>(path.size() * 2);
        long parent = 0;
        long seq = 0;
        for (long[] old : path) {
            long oldNid = old[0];
            long oldCk = old[1];
            boolean ownCk = oldCk == oldNid;
            PreparedStatement copy = tx.ps(sql.copyNode());
            copy.setLong(1, sid);
            if (parent == 0) {
                copy.setNull(2, Types.INTEGER);
            } else {
                copy.setLong(2, parent);
            }
            copy.setLong(3, ++seq);
            copy.setNull(4, Types.INTEGER);
            copy.setLong(5, oldNid);
            long nid;
            try (ResultSet rs = copy.executeQuery()) {
                rs.next();
                nid = rs.getLong(1);
            }
            copies.put(oldNid, nid);
            long ck = oldCk == 0 ? 0 : ownCk ? nid : copies.getOrDefault(oldCk, 0L);
            if (ck != 0) {
                PreparedStatement setCk = tx.ps(sql.setCk());
                setCk.setLong(1, ck);
                setCk.setLong(2, nid);
                setCk.executeUpdate();
            }
            copyRows(tx, sql.copyAttachments(), nid, oldNid);
            if (ownCk) {
                copyRows(tx, sql.copyCheckpoints(), nid, oldNid);
                copyRows(tx, sql.copyResolved(), nid, oldNid);
            }
            parent = nid;
        }
    }

    private static void copyRows(Statements tx, String sql, long nid, long oldNid) throws SQLException {
        PreparedStatement ps = tx.ps(sql);
        ps.setLong(1, nid);
        ps.setLong(2, oldNid);
        ps.executeUpdate();
    }
}
