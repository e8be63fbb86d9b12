package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.VacuumReport;
import dev.cairn.persistence.jdbc.Times;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata saves, tombstones, gc and vacuum (SPEC rules 15 to 18). Each is one write transaction;
 * the single writer serializes them with commits, so gc never sees half a commit: a blob that a
 * commit references is either referenced when gc runs, or stored after it.
 *
 * <p>Space: the database uses {@code auto_vacuum=INCREMENTAL}. {@link #vacuum()} removes detached
 * rows, then runs {@code PRAGMA incremental_vacuum}, which moves free pages to the end of the file
 * and truncates it, and checkpoints the WAL with {@code TRUNCATE}. A full {@code VACUUM} would
 * rewrite the whole database, block every writer meanwhile and need twice the disk space; the
 * incremental one costs in proportion to what was freed.
 */
final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    static final String META_ROW = "SELECT sid, parent_session_id, created_at FROM sessions WHERE session_id = ?";
    private static final String UPDATE_META = "UPDATE sessions SET name = ?, model = ?, cwd = ? WHERE sid = ?";
    private static final String DELETE_ATTRIBUTES = "DELETE FROM session_attributes WHERE sid = ?";
    static final String SESSION_HEAD = "SELECT s.sid, h.nid FROM sessions s"
            + " LEFT JOIN nodes h ON h.sid = s.sid AND h.node_id = s.head_node_id WHERE s.session_id = ?";
    static final String SUBTREE = "WITH RECURSIVE sub(nid) AS (SELECT ?"
            + " UNION SELECT n.nid FROM sub JOIN nodes n ON n.parent_nid = sub.nid WHERE n.state < 2)"
            + " SELECT nid FROM sub";
    static final String TOMBSTONE = "WITH RECURSIVE sub(nid) AS (SELECT ?"
            + " UNION SELECT n.nid FROM sub JOIN nodes n ON n.parent_nid = sub.nid WHERE n.state < 2)"
            + " UPDATE nodes SET state = 1 WHERE nid IN (SELECT nid FROM sub) AND state = 0";
    static final String DETACH = "UPDATE nodes SET state = 2 WHERE state = 1";
    static final String SWEEP_BLOBS = "DELETE FROM blobs WHERE"
            + " NOT EXISTS (SELECT 1 FROM attachments a JOIN nodes n ON n.nid = a.nid"
            + " WHERE a.hash = blobs.hash AND n.state = 0)"
            + " AND NOT EXISTS (SELECT 1 FROM checkpoints c JOIN nodes n ON n.nid = c.nid"
            + " WHERE c.hash = blobs.hash AND n.state = 0) RETURNING size";
    static final String[] REMOVE_DETACHED = {
        // Usage records stay (the ledger counts them for ever) but let go of the node: SQLite may give
        // its rowid to a new node, which must not inherit them.
        "UPDATE usage SET nid = 0 WHERE nid IN (SELECT nid FROM nodes WHERE state = 2)",
        "DELETE FROM attachments WHERE nid IN (SELECT nid FROM nodes WHERE state = 2)",
        "DELETE FROM checkpoints WHERE nid IN (SELECT nid FROM nodes WHERE state = 2)",
        "DELETE FROM resolved_checkpoints WHERE nid IN (SELECT nid FROM nodes WHERE state = 2)",
    };
    static final String DELETE_DETACHED = "DELETE FROM nodes WHERE state = 2";
    private static final String INCREMENTAL_VACUUM = "PRAGMA incremental_vacuum";
    /** Pages freed per write transaction of {@link #vacuum()} (16 MiB of 4 KiB pages). */
    private static final int VACUUM_BATCH = 4096;

    private final Database db;

    Maintenance(Database db) {
        this.db = db;
    }

    void saveMeta(String sessionId, long incarnation, SessionMeta meta) {
        db.write("save the metadata of session '" + sessionId + "'", tx -> {
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
        return db.write("tombstone nodes of session '" + sessionId + "'", tx -> {
            PreparedStatement head = tx.ps(SESSION_HEAD);
            head.setString(1, sessionId);
            long sid;
            long headNid;
            try (ResultSet rs = head.executeQuery()) {
                if (!rs.next() || rs.getLong(1) != incarnation) {
                    throw new SessionNotFoundException(sessionId);
                }
                sid = rs.getLong(1);
                headNid = rs.getLong(2);
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

    GcReport gc() {
        return db.write("collect garbage", tx -> {
            long detached = tx.ps(DETACH).executeUpdate();
            long deleted = 0;
            long bytes = 0;
            try (ResultSet rs = tx.ps(SWEEP_BLOBS).executeQuery()) {
                while (rs.next()) {
                    deleted++;
                    bytes += rs.getLong(1);
                }
            }
            LOG.debug("gc of {}: detached {} nodes, deleted {} blobs ({} bytes)", db.location(), detached, deleted, bytes);
            return new GcReport(detached, deleted, bytes);
        });
    }

    VacuumReport vacuum() {
        long removed = db.write("vacuum", tx -> {
            for (String sql : REMOVE_DETACHED) {
                tx.ps(sql).executeUpdate();
            }
            return (long) tx.ps(DELETE_DETACHED).executeUpdate();
        });
        long pageSize = db.writeUnsafe("vacuum", tx -> pragmaLong(tx, "page_size"));
        boolean incremental = db.writeUnsafe("vacuum", tx -> pragmaLong(tx, "auto_vacuum")) == 2;
        long pages = 0;
        if (incremental) {
            // Each step of incremental_vacuum frees one page, and the driver steps a statement once per
            // execution; so free in batches, each one write transaction, letting commits in between.
            while (true) {
                long freed = db.write("vacuum", tx -> {
                    long free = pragmaLong(tx, "freelist_count");
                    // Not cached: closing it finishes the last, half-stepped run before COMMIT.
                    try (PreparedStatement step = tx.connection().prepareStatement(INCREMENTAL_VACUUM)) {
                        for (long i = 0, n = Math.min(free, VACUUM_BATCH); i < n; i++) {
                            step.execute();
                        }
                    }
                    return free - pragmaLong(tx, "freelist_count");
                });
                pages += freed;
                if (freed < VACUUM_BATCH) {
                    break;
                }
            }
        } else {
            // A database made without incremental auto-vacuum: rewrite it (needs no open statement).
            pages = db.writeUnsafe("vacuum", tx -> {
                long before = pragmaLong(tx, "page_count");
                tx.closeStatements();
                tx.exec("VACUUM");
                return before - pragmaLong(tx, "page_count");
            });
        }
        db.writeUnsafe("checkpoint", tx -> {
            checkpoint(tx);
            return null;
        });
        long reclaimed = Math.max(0, pages) * pageSize;
        LOG.debug("vacuum of {}: removed {} detached nodes, gave back {} bytes", db.location(), removed, reclaimed);
        return new VacuumReport(removed, reclaimed);
    }

    /** Checkpoints the WAL into the database file and truncates it; readers may keep part of it. */
    static void checkpoint(Database.Tx tx) throws SQLException {
        try (var s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (rs.next() && rs.getInt(1) != 0) {
                LOG.debug("WAL checkpoint was partial: readers held part of the log");
            }
        }
    }

    private static long pragmaLong(Database.Tx tx, String name) throws SQLException {
        try (var s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
