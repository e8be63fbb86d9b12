package dev.cairn.persistence.postgres;

import dev.cairn.persistence.jdbc.Catalogue;
import dev.cairn.persistence.jdbc.Sql;
import java.util.ArrayList;
import java.util.List;

/** The store's hot statements with realistic arguments, for plan tests. */
final class HotStatements {
    /** The tables that grow with the store: a plan must never scan them whole. */
    static final List<String> GROWING = List.of("nodes", "sessions", "attachments", "checkpoints", "blobs", "usage",
            "resolved_checkpoints", "idempotency_keys", "session_attributes");

    record Statement(String name, String sql, Object... args) {
    }

    private HotStatements() {
    }

    /**
     * @param session the id of a long session, {@code sid} its key, {@code head} the nid of its head
     * @param small the sid of a one-node session
     * @param hash a stored blob's digest
     * @param otherSession the id of another session, for the catalogue cursor
     */
    static List<Statement> all(String session, long sid, long head, long small, byte[] hash, String otherSession) {
        List<Statement> s = new ArrayList<>();
        s.add(new Statement("cas", Sql.CAS, 1, "n1", session, 5L));
        s.add(new Statement("lockSession", Sql.LOCK_SESSION, session));
        s.add(new Statement("lockBlob", Commits.LOCK_BLOB, hash));
        s.add(new Statement("idempotencyLookup", Sql.IDEMPOTENCY_LOOKUP, "k", session));
        s.add(new Statement("nodeState", Sql.NODE_STATE, sid, "n123"));
        s.add(new Statement("hasLiveChild", Sql.HAS_LIVE_CHILD, head));
        s.add(new Statement("liveSubtree", Sql.LIVE_SUBTREE, head));
        s.add(new Statement("sessionRow", Sql.SESSION_ROW, session));
        s.add(new Statement("resolved", Sql.RESOLVED, head, head));
        s.add(new Statement("pathNodes", Sql.PATH_NODES, head, 50L));
        s.add(new Statement("pathUsage", Sql.PATH_USAGE, head, 50L));
        s.add(new Statement("totals", Sql.TOTALS, sid));
        s.add(new Statement("loadNode", Sql.LOAD_NODE, "n777", session));
        s.add(new Statement("loadBlob", Sql.LOAD_BLOB, hash));
        // A whole-graph read of a long session reads most of the table anyway; of a small one, not.
        s.add(new Statement("allNodes", Sql.ALL_NODES, small, 1));
        s.add(new Statement("allUsage", Sql.ALL_USAGE, small));
        s.add(new Statement("listFirstPage", Catalogue.listSql(false, 0), Long.MAX_VALUE, "\uffff", 20));
        s.add(new Statement("listAfterCursor", Catalogue.listSql(false, 0), Long.MAX_VALUE - 1, otherSession, 20));
        s.add(new Statement("listChildren", Catalogue.listSql(true, 0), Long.MAX_VALUE, "\uffff", session, 20));
        s.add(new Statement("sessionHashes", Catalogue.SESSION_HASHES, small, small));
        s.add(new Statement("deleteBlobIfUnreferenced", Catalogue.DELETE_BLOB_IF_UNREFERENCED, hash));
        return s;
    }

    /** @return the growing tables a plan scans whole, as "Seq Scan on TABLE" lines */
    static List<String> scans(String plan) {
        List<String> out = new ArrayList<>();
        for (String table : GROWING) {
            if (plan.contains("Seq Scan on " + table + " ")) {
                out.add("Seq Scan on " + table);
            }
        }
        return out;
    }
}
