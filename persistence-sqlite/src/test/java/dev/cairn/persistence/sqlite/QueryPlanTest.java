package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.jdbc.Catalogue;
import dev.cairn.persistence.jdbc.Maintenance;
import dev.cairn.persistence.jdbc.Sql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every hot statement finds its rows through a key or an index: {@code EXPLAIN QUERY PLAN} may scan
 * only a recursive CTE's own queue ({@code path}, {@code sub}), never a table.
 */
class QueryPlanTest {
    private static final Pattern SCAN = Pattern.compile("\\bSCAN (\\w+(?: \\w+)?)");
    /**
     * A CTE's queue and a CTE's constant anchor row are not tables; nor is {@code checkpoints} in a
     * delete: the view's rows the delete's {@code WHERE} found (each part through its key, shown
     * before it), collected for its trigger (schema v5).
     */
    private static final List<String> ALLOWED = List.of("path", "sub", "CONSTANT ROW", "checkpoints");
    /** Partial indexes that hold exactly the rows gc and vacuum want (tombstoned, detached nodes). */
    private static final Pattern PARTIAL = Pattern.compile("USING (COVERING )?INDEX (nodes_tombstoned|nodes_detached)$");

    /** The engine's statements as SQLite runs them. */
    static Map<String, String> statements() {
        Map<String, String> all = new TreeMap<>();
        templates().forEach((name, template) -> all.put(name, SqliteDialect.translate(template)));
        all.put("addUsageTotal", Commits.ADD_USAGE_TOTAL);
        all.put("insertNodeOwnCheckpoint", Commits.INSERT_NODE);
        return all;
    }

    private static Map<String, String> templates() {
        Map<String, String> all = new TreeMap<>(Sql.HOT_READS);
        all.put("listAll", Catalogue.listSql(false, 0));
        all.put("listByParentAndAttribute", Catalogue.listSql(true, 1));
        all.put("listPageAttributes", Catalogue.pageAttributesSql(3));
        // Per-session maintenance: fork, delete, tombstone, metadata.
        all.put("forkPath", Catalogue.FORK_PATH);
        all.put("forkSource", Catalogue.SOURCE);
        all.put("copyNode", Catalogue.COPY_NODE);
        all.put("copyAttachments", Catalogue.COPY_ATTACHMENTS);
        all.put("copyCheckpoints", Catalogue.COPY_CHECKPOINTS);
        all.put("copyResolved", Catalogue.COPY_RESOLVED);
        all.put("copyInherited", Sql.COPY_INHERITED.formatted("?, ?"));
        all.put("copyAttributes", Catalogue.COPY_ATTRIBUTES);
        all.put("sessionHashes", Catalogue.SESSION_HASHES);
        for (int i = 0; i < Catalogue.DELETE_SESSION_ROWS.length; i++) {
            all.put("deleteSessionRows" + i, Catalogue.DELETE_SESSION_ROWS[i]);
        }
        all.put("deleteBlobIfUnreferenced", Catalogue.DELETE_BLOB_IF_UNREFERENCED);
        all.put("metaRow", Maintenance.META_ROW);
        all.put("headNid", Maintenance.HEAD_NID);
        all.put("sweepBlob", Maintenance.SWEEP_BLOB);
        all.put("subtree", Maintenance.SUBTREE);
        all.put("tombstone", Maintenance.TOMBSTONE);
        // gc and vacuum find tombstoned and detached nodes through a partial index.
        all.put("detach", Maintenance.DETACH);
        for (int i = 0; i < Maintenance.REMOVE_DETACHED.length; i++) {
            all.put("removeDetached" + i, Maintenance.REMOVE_DETACHED[i]);
        }
        all.put("deleteDetached", Maintenance.DELETE_DETACHED);
        // Not here: gc's search for unreferenced blobs (Maintenance.UNREFERENCED_BLOBS) reads every blob
        // row once by design; each of its reference checks is an index search (checked below).
        return all;
    }

    static List<String> plan(Connection c, String sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                lines.add(rs.getString(4));
            }
        }
        return lines;
    }

    @Test
    void hotStatementsNeverScanATable() throws SQLException {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("plans"));
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.database().file())) {
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, String> e : statements().entrySet()) {
                List<String> plan = plan(c, e.getValue());
                System.out.println(e.getKey() + ": " + plan);
                for (String line : plan) {
                    Matcher m = SCAN.matcher(line);
                    while (m.find()) {
                        if (!ALLOWED.contains(m.group(1)) && !PARTIAL.matcher(line).find() && !m.group(1).startsWith("path ") && !m.group(1).startsWith("sub ")) {
                            problems.add(e.getKey() + ": " + line);
                        }
                    }
                }
            }
            if (!problems.isEmpty()) {
                fail("statements that scan a table: " + problems);
            }
        }
    }

    @Test
    void aPageOfSessionsLoadsItsAttributesWithOnePrimaryKeySearch() throws SQLException {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("plans"));
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.database().file())) {
            for (int n : new int[] {1, 50, SessionQuery.MAX_LIMIT}) {
                List<String> plan = plan(c, SqliteDialect.translate(Catalogue.pageAttributesSql(n)));
                System.out.println("listPageAttributes(" + n + "): " + plan);
                assertTrue(plan.stream().anyMatch(l -> l.startsWith("SEARCH session_attributes USING PRIMARY KEY (sid=?)")),
                        plan.toString());
                assertTrue(plan.stream().noneMatch(l -> l.contains("SCAN")), plan.toString());
            }
        }
    }

    @Test
    void gcSweepsBlobsOnceAndSearchesTheReferences() throws SQLException {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("plans"));
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.database().file())) {
            List<String> plan = plan(c, SqliteDialect.translate(Maintenance.UNREFERENCED_BLOBS));
            System.out.println("unreferencedBlobs: " + plan);
            long scans = plan.stream().filter(l -> SCAN.matcher(l).find()).count();
            assertEquals(1, scans, "only the blobs table itself is scanned: " + plan);
            assertTrue(plan.stream().anyMatch(l -> l.contains("SCAN b")), plan.toString());
        }
    }
}
