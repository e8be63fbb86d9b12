package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.VacuumReport;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata saves, tombstones, gc and vacuum (SPEC rules 15 to 18), each in write transactions that
 * lock what they change (a single-writer dialect drops the locks: its writer serializes them anyway): a metadata save or a tombstone locks the session row, as commits do, so it
 * never interleaves with a commit of that session on any instance; gc removes a blob only after
 * locking it (see {@link Catalogue#LOCK_BLOB_EXCLUSIVE}), so a concurrent commit that references it
 * either keeps it or finds it gone.
 *
 * <p>Space: {@link #vacuum()} deletes detached rows, then asks the dialect to give the space back
 * ({@link SqlDialect#reclaimSpace}).
 */
public final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    public static final String META_ROW = "SELECT sid, parent_session_id, created_at FROM ~sessions WHERE session_id = ?"
            + " FOR UPDATE";
    public static final String UPDATE_META = "UPDATE ~sessions SET name = ?, model = ?, cwd = ? WHERE sid = ?";
    public static final String DELETE_ATTRIBUTES = "DELETE FROM ~session_attributes WHERE sid = ?";
    /**
     * The head node of a session whose row the transaction has locked. A statement of its own, after
     * the lock: a join under {@code FOR UPDATE OF s} that waited for a commit re-reads only the locked
     * row, so the commit's new head node would be missing from it (issue 14).
     */
    public static final String HEAD_NID = "SELECT h.nid FROM ~sessions s"
            + " JOIN ~nodes h ON h.sid = s.sid AND h.node_id = s.head_node_id WHERE s.sid = ?";
    public static final String SUBTREE = "WITH RECURSIVE sub(nid) AS (SELECT ?::bigint"
            + " UNION SELECT n.nid FROM sub JOIN ~nodes n ON n.parent_nid = sub.nid WHERE n.state < 2)"
            + " SELECT nid FROM sub";
    public static final String TOMBSTONE = "WITH RECURSIVE sub(nid) AS (SELECT ?::bigint"
            + " UNION SELECT n.nid FROM sub JOIN ~nodes n ON n.parent_nid = sub.nid WHERE n.state < 2)"
            + " UPDATE ~nodes SET state = 1 WHERE nid IN (SELECT nid FROM sub) AND state = 0";
    public static final String DETACH = "UPDATE ~nodes SET state = 2 WHERE state = 1";
    /** Blobs that no node that is not detached references: the candidates of a sweep. */
    public static final String UNREFERENCED_BLOBS = "SELECT b.hash FROM ~blobs b WHERE"
            + " NOT EXISTS (SELECT 1 FROM ~attachments a JOIN ~nodes n ON n.nid = a.nid"
            + " WHERE a.hash = b.hash AND n.state < 2)"
            + " AND NOT EXISTS (SELECT 1 FROM ~checkpoints c JOIN ~nodes n ON n.nid = c.nid"
            + " WHERE c.hash = b.hash AND n.state < 2)";
    public static final String SWEEP_BLOB = Catalogue.DELETE_BLOB_IF_UNREFERENCED + " RETURNING size";
    /** Blobs checked and deleted per transaction of a sweep. */
    static final int SWEEP_BATCH = 256;
    public static final String[] REMOVE_DETACHED = {
        // Usage records stay (the ledger counts them for ever) but let go of the node.
        "UPDATE ~usage SET nid = 0 WHERE nid IN (SELECT nid FROM ~nodes WHERE state = 2)",
        "DELETE FROM ~attachments WHERE nid IN (SELECT nid FROM ~nodes WHERE state = 2)",
        "DELETE FROM ~checkpoints WHERE nid IN (SELECT nid FROM ~nodes WHERE state = 2)",
        "DELETE FROM ~resolved_checkpoints WHERE nid IN (SELECT nid FROM ~nodes WHERE state = 2)",
    };
    public static final String DELETE_DETACHED = "DELETE FROM ~nodes WHERE state = 2";
    private final SqlDialect dialect;

    Maintenance(SqlDialect dialect) {
        this.dialect = dialect;
    }

    void saveMeta(String sessionId, long incarnation, SessionMeta meta) {
        dialect.write("save the metadata of session '" + sessionId + "'", tx -> {
            PreparedStatement ps = tx.ps(META_ROW);
            ps.setString(1, sessionId);
            long sid;
            Optional<String> parent;
            long createdAt;
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(1) != incarnation) {
                    throw new SessionNotFoundException(sessionId);
                }
                sid = rs.getLong(1);
                parent = Optional.ofNullable(rs.getString(2));
                createdAt = rs.getLong(3);
            }
            requireSame(sessionId, "session id", sessionId, meta.sessionId());
            requireSame(sessionId, "parent session id", parent, meta.parentSessionId());
            requireSame(sessionId, "creation time", Times.fromNanos(createdAt), meta.createdAt());
            PreparedStatement update = tx.ps(UPDATE_META);
            update.setString(1, meta.name());
            update.setString(2, meta.model());
            update.setString(3, meta.cwd());
            update.setLong(4, sid);
            update.executeUpdate();
            PreparedStatement delete = tx.ps(DELETE_ATTRIBUTES);
            delete.setLong(1, sid);
            delete.executeUpdate();
            Catalogue.insertAttributes(tx, sid, meta.attributes());
            return null;
        });
    }

    private static void requireSame(String sessionId, String what, Object stored, Object given) {
        if (!stored.equals(given)) {
            throw new InvalidRequestException("Cannot change the " + what + " in the metadata of session '" + sessionId
                    + "' from " + show(stored) + " to " + show(given)
                    + ": saveSessionMeta replaces only name, model, cwd and attributes");
        }
    }

    private static String show(Object value) {
        return value instanceof Optional<?> o ? o.map(v -> "'" + v + "'").orElse("none") : "'" + value + "'";
    }

    int tombstone(String sessionId, long incarnation, Collection<String> nodeIds) {
        List<String> ids = new ArrayList<>(nodeIds.size());
        for (String id : nodeIds) {
            ids.add(Ids.require("node id", Objects.requireNonNull(id, "nodeIds element")));
        }
        return dialect.write("tombstone nodes of session '" + sessionId + "'", tx -> {
            PreparedStatement lock = tx.ps(Sql.LOCK_SESSION);
            lock.setString(1, sessionId);
            long sid;
            try (ResultSet rs = lock.executeQuery()) {
                if (!rs.next() || rs.getLong(1) != incarnation) {
                    throw new SessionNotFoundException(sessionId);
                }
                sid = rs.getLong(1);
            }
            // Read committed: this statement's snapshot starts after the lock, so it sees the head of
            // every commit that held the row before.
            PreparedStatement head = tx.ps(HEAD_NID);
            head.setLong(1, sid);
            long headNid;
            try (ResultSet rs = head.executeQuery()) {
                headNid = rs.next() ? rs.getLong(1) : 0;
            }
            Set<Long> targets = new LinkedHashSet<>();
            List<String> targetIds = new ArrayList<>();
            PreparedStatement state = tx.ps(Sql.NODE_STATE);
            for (String id : ids) {
                state.setLong(1, sid);
                state.setString(2, id);
                try (ResultSet rs = state.executeQuery()) {
                    int s = rs.next() ? rs.getInt(2) : -1;
                    if (s < 0 || s == 2) {
                        throw new InvalidRequestException("Cannot tombstone " + Ids.quote(id) + ": it is "
                                + (s < 0 ? "not a node" : "a detached node") + " of session " + Ids.quote(sessionId)
                                + "; only live or tombstoned nodes can be tombstoned");
                    }
                    if (targets.add(rs.getLong(1))) {
                        targetIds.add(id);
                    }
                }
            }
            // A target is on the head's active path exactly when the head is in its subtree.
            if (headNid != 0) {
                PreparedStatement sub = tx.ps(SUBTREE);
                int i = 0;
                for (long target : targets) {
                    String id = targetIds.get(i++);
                    sub.setLong(1, target);
                    try (ResultSet rs = sub.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getLong(1) == headNid) {
                                throw new InvalidRequestException("Cannot tombstone " + Ids.quote(id)
                                        + ": it is on the active path of the head in session " + Ids.quote(sessionId)
                                        + "; move the head to another branch first");
                            }
                        }
                    }
                }
            }
            int count = 0;
            PreparedStatement tomb = tx.ps(TOMBSTONE);
            for (long target : targets) {
                tomb.setLong(1, target);
                count += tomb.executeUpdate();
            }
            return count;
        });
    }

    /**
     * Detaches every tombstoned node (one transaction), then deletes the blobs that no node that is
     * not detached references, in batches: each candidate locked, checked again and deleted in one
     * transaction, so a commit that references it meanwhile keeps it.
     */
    GcReport gc() {
        long[] detach = dialect.write("collect garbage", tx -> InlineSlots.detach(tx, DETACH));
        long detached = detach[0];
        List<byte[]> candidates = dialect.read("collect garbage", c -> {
            TreeMap<String, byte[]> sorted = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(dialect.sql(UNREFERENCED_BLOBS));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] hash = rs.getBytes(1);
                    sorted.put(ContentHash.ofDigest(hash).toString(), hash);
                }
            }
            return new ArrayList<>(sorted.values());
        });
        long deleted = detach[1];
        long bytes = detach[2];
        for (int from = 0; from < candidates.size(); from += SWEEP_BATCH) {
            List<byte[]> batch = candidates.subList(from, Math.min(candidates.size(), from + SWEEP_BATCH));
            long[] swept = dialect.write("collect garbage", tx -> {
                long[] counts = new long[2];
                PreparedStatement lock = tx.ps(Catalogue.LOCK_BLOB_EXCLUSIVE);
                PreparedStatement sweep = tx.ps(SWEEP_BLOB);
                for (byte[] hash : batch) {
                    lock.setBytes(1, hash);
                    lock.executeQuery().close();
                    sweep.setBytes(1, hash);
                    try (ResultSet rs = sweep.executeQuery()) {
                        if (rs.next()) {
                            counts[0]++;
                            counts[1] += rs.getLong(1);
                        }
                    }
                }
                return counts;
            });
            deleted += swept[0];
            bytes += swept[1];
        }
        LOG.debug("gc of {}: detached {} nodes, deleted {} blobs ({} bytes)", dialect.location(), detached, deleted, bytes);
        return new GcReport(detached, deleted, bytes);
    }

    /** Deletes the detached rows (one transaction), then lets the dialect give the space back. */
    VacuumReport vacuum() {
        long removed = dialect.write("vacuum", tx -> {
            for (String sql : REMOVE_DETACHED) {
                tx.ps(sql).executeUpdate();
            }
            return (long) tx.ps(DELETE_DETACHED).executeUpdate();
        });
        long reclaimed = dialect.reclaimSpace();
        LOG.debug("vacuum of {}: removed {} detached nodes, gave back {} bytes", dialect.location(), removed, reclaimed);
        return new VacuumReport(removed, reclaimed);
    }
}
