package dev.cairn.persistence.postgres;

import dev.cairn.persistence.jdbc.Catalogue;
import dev.cairn.persistence.jdbc.OneTripSlots;
import dev.cairn.persistence.jdbc.OneTripSql;
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
        s.add(new Statement("loadBlob", Sql.LOAD_BLOB, hash, hash));
        // A whole-graph read of a long session reads most of the table anyway; of a small one, not.
        s.add(new Statement("allNodes", Sql.ALL_NODES, small, 1));
        s.add(new Statement("allUsage", Sql.ALL_USAGE, small));
        s.add(new Statement("listFirstPage", Catalogue.listSql(false, 0), Long.MAX_VALUE, "\uffff", 20));
        s.add(new Statement("listAfterCursor", Catalogue.listSql(false, 0), Long.MAX_VALUE - 1, otherSession, 20));
        s.add(new Statement("listChildren", Catalogue.listSql(true, 0), Long.MAX_VALUE, "\uffff", session, 20));
        s.add(new Statement("sessionHashes", Catalogue.SESSION_HASHES, small, small));
        s.add(new Statement("deleteBlobIfUnreferenced", Catalogue.DELETE_BLOB_IF_UNREFERENCED, hash));
        oneTrip(s, sid, hash);
        return s;
    }

    /** The statements of a commit and a session read in one round trip (issue 16). */
    private static void oneTrip(List<Statement> s, long sid, byte[] hash) {
        byte[][] hashes = {hash};
        Long[] one = {1L};
        Long[] two = {1L, 1L};
        s.add(new Statement("oneTripInsertNodes", OneTripSql.INSERT_NODES, new String[] {"x1", "x2"},
                new Integer[] {0, 1}, new String[] {"n123", "n123"}, new String[] {"USER_INPUT", "USER_INPUT"},
                new Integer[] {0, 0}, new byte[][] {{1}, {2}}, new Integer[] {1, 1}, new byte[][] {new byte[32], new byte[32]},
                new byte[][] {{}, {}}, sid, 2L, 1L, sid, 1L, new String[] {"x2", "n123"}, new Integer[] {2, 0},
                new String[] {"m", "m"}, two, two, two, two, sid));
        s.add(new Statement("oneTripInsertNode", OneTripSql.INSERT_NODE, "x1", "USER_INPUT", 0, new byte[] {1}, 1,
                new byte[32], new byte[0], 1L, "n123", sid));
        s.add(new Statement("oneTripLockBlobs", OneTripSql.LOCK_BLOBS, (Object) hashes));
        s.add(new Statement("oneTripSessionRefs", OneTripSql.SESSION_REFS, hashes, sid, sid));
        s.add(new Statement("oneTripAttachments", OneTripSql.INSERT_ATTACHMENTS, new String[] {"n123"},
                new Integer[] {0}, hashes, sid));
        s.add(new Statement("oneTripUsage", OneTripSql.INSERT_USAGE, 1L, new String[] {"n123"}, new String[] {"m"},
                one, one, one, one, sid));
        s.add(new Statement("oneTripOneUsage", OneTripSql.INSERT_ONE_USAGE, "n123", "m", 1L, 1L, 0L, 0L, 1L, "n123", sid));
        s.add(new Statement("oneTripTotals", OneTripSql.ADD_TOTALS, sid, new String[] {"m"}, one, one, one, one));
        s.add(new Statement("oneTripInsertSlots", OneTripSlots.INSERT_SLOTS, new String[] {"state"}, hashes, one,
                new Integer[] {0}, new byte[][] {{1}}, sid, "n123"));
        s.add(new Statement("oneTripCopyInherited", OneTripSlots.COPY_INHERITED, sid, "n123", new String[] {"state"}));
        s.add(new Statement("oneTripSetCk", OneTripSlots.SET_CK, sid, "n123"));
        s.add(new Statement("oneTripHead", OneTripSql.HEAD, sid));
        s.add(new Statement("oneTripKey", OneTripSql.INSERT_KEY, "k", new byte[32], 1L, sid));
        s.add(new Statement("oneTripReadSessionRow", OneTripSql.READ_SESSION_ROW, sid));
        s.add(new Statement("oneTripReadTailNodes", OneTripSql.READ_TAIL_NODES, sid, 50L));
        s.add(new Statement("oneTripReadTailUsage", OneTripSql.READ_TAIL_USAGE, sid, 50L));
        s.add(new Statement("oneTripHeadResolved", OneTripSql.HEAD_RESOLVED,
                java.util.Collections.nCopies(OneTripSql.HEAD_RESOLVED_PARAMETERS, sid).toArray()));
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
