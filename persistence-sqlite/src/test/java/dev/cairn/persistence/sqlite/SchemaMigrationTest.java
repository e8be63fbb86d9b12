package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SchemaVersionException;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.jdbc.Times;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Forward migrations from the checked-in version-1 database, and refusal of what this code cannot read. */
class SchemaMigrationTest {
    private static final String FIXTURE = "/schema-v1/cairn.db";

    private static Path copyFixture() throws Exception {
        Path dir = TestDirs.fresh("migrate");
        try (InputStream in = SchemaMigrationTest.class.getResourceAsStream(FIXTURE)) {
            assertTrue(in != null, "the fixture " + FIXTURE + " is on the test classpath");
            Files.copy(in, dir.resolve(Database.FILE_NAME));
        }
        return dir;
    }

    private static long pragma(Path db, String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private static List<String> schema(Path db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return out;
    }

    @Test
    void theFixtureHasExactlyTheVersion1Schema() throws Exception {
        Path fixture = copyFixture().resolve(Database.FILE_NAME);
        assertEquals(1, pragma(fixture, "user_version"));
        assertEquals(Schema.APPLICATION_ID, pragma(fixture, "application_id"));
        Path fresh = TestDirs.fresh("v1").resolve(Database.FILE_NAME);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + fresh)) {
            Migrations.migrateTo(c, "fresh", 1);
        }
        assertEquals(schema(fresh), schema(fixture));
    }

    @Test
    void aVersion1DatabaseIsMigratedAndKeepsEverything() throws Exception {
        Path dir = copyFixture();
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence s = f.openExisting(V1Fixture.SESSION).orElseThrow();
            PersistedSessionRead r = s.loadSession(SessionReadScope.activePath()).orElseThrow();
            assertEquals(3, r.head().revision());
            assertEquals(Optional.of("n3"), r.head().nodeId());
            assertEquals(List.of("n1", "n2", "n3"), r.nodes().stream().map(SessionNode::nodeId).toList());
            assertArrayEquals(V1Fixture.PAYLOAD_2, r.nodes().get(1).payload());
            assertEquals(Times.fromNanos(V1Fixture.CREATED), r.meta().createdAt());
            assertEquals(Map.of("team", "core"), r.meta().attributes());
            Checkpoint ck = r.checkpoint();
            assertEquals("n2", ck.slot("tool_state").orElseThrow().nodeId());
            assertArrayEquals(V1Fixture.TOOL_STATE, s.loadBlob(ck.slot("tool_state").orElseThrow().blob().hash()).orElseThrow());
            assertArrayEquals(V1Fixture.ATTACHMENT,
                    s.loadBlob(r.nodes().get(2).attachments().get(0).hash()).orElseThrow());
            // Version 2 back-filled the ledger totals from the version-1 records.
            assertEquals(new TokenUsage(13, 6, 2, 1), r.usage().total());
            assertEquals(Map.of("model-a", new TokenUsage(10, 5, 2, 1), "model-b", TokenUsage.of(3, 1)), r.usage().byModel());
            assertEquals(2, r.usage().turns().size());
            // And the migrated store takes new commits.
            s.commitRuntimeState(RuntimeCommit.expecting(3).append(NewNode.child("n4", "n3", NodeKind.USER_INPUT, new byte[] {1}))
                    .head("n4").usage("n4", "model-a", TokenUsage.of(1, 1)).build());
            assertEquals(new TokenUsage(14, 7, 2, 1), s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().usage().total());
            // A slot committed after the migration resolves with the one of version 1 it does not replace.
            Checkpoint after = s.commitRuntimeState(RuntimeCommit.expecting(4)
                    .append(NewNode.child("n5", "n4", NodeKind.USER_INPUT, new byte[] {2})).head("n5")
                    .checkpoint("plan", new byte[] {7}).build()).checkpoint();
            assertEquals(java.util.Set.of("plan", "tool_state"), after.slots().keySet());
            assertEquals("n2", after.slot("tool_state").orElseThrow().nodeId());
            assertEquals(after, s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().checkpoint());
        }
        assertEquals(Schema.CURRENT_VERSION, pragma(dir.resolve(Database.FILE_NAME), "user_version"));
        // Version 3 dropped version 1's copy of n2's own slot; n5 stores only the slot it inherits.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n.node_id, r.slot FROM resolved_checkpoints r JOIN nodes n ON n.nid = r.nid")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "/" + rs.getString(2));
            }
            assertEquals(List.of("n5/tool_state"), rows);
        }
        // Version 4 keeps a small slot value in its checkpoints row: version 1's row names its blob, the new
        // slot carries its value and has no blob row; both load after a gc, through a reopened factory.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n.node_id, c.slot, c.bytes IS NOT NULL,"
                     + " (SELECT count(*) FROM blobs b WHERE b.hash = c.hash) FROM checkpoints c JOIN nodes n ON n.nid = c.nid"
                     + " ORDER BY n.node_id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "/" + rs.getString(2) + " inline=" + rs.getInt(3) + " blobs=" + rs.getInt(4));
            }
            assertEquals(List.of("n2/tool_state inline=0 blobs=1", "n5/plan inline=1 blobs=0"), rows);
        }
        // Version 5 keeps a node's first slot in its nodes row: n5's, committed after the migration; version
        // 1's row of n2 stays a row of checkpoint_rows. Both are rows of the checkpoints view above.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT group_concat(n.node_id || '/' || n.own_slot) FROM nodes n"
                     + " WHERE n.own_slot IS NOT NULL), (SELECT group_concat(n.node_id || '/' || r.slot) FROM checkpoint_rows r"
                     + " JOIN nodes n ON n.nid = r.nid)")) {
            assertTrue(rs.next());
            assertEquals("n5/plan", rs.getString(1));
            assertEquals("n2/tool_state", rs.getString(2));
        }
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence s = f.openExisting(V1Fixture.SESSION).orElseThrow();
            s.gcUnreachable();
            Checkpoint ck = s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().checkpoint();
            assertArrayEquals(V1Fixture.TOOL_STATE, s.loadBlob(ck.slot("tool_state").orElseThrow().blob().hash()).orElseThrow());
            assertArrayEquals(new byte[] {7}, s.loadBlob(ck.slot("plan").orElseThrow().blob().hash()).orElseThrow());
        }
    }

    @Test
    void aFailedMigrationStepLeavesTheDatabaseAtItsVersion() throws Exception {
        Path dir = copyFixture();
        Path db = dir.resolve(Database.FILE_NAME);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE usage_totals (x)"); // a table in the way: step 2 fails
        }
        assertThrows(PersistenceException.class, () -> new SqliteSessionStoreFactory(dir).close());
        assertEquals(1, pragma(db, "user_version"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("DROP TABLE usage_totals");
        }
        new SqliteSessionStoreFactory(dir).close();
        assertEquals(Schema.CURRENT_VERSION, pragma(db, "user_version"));
    }

    @Test
    void aNewerDatabaseIsRefusedAndLeftAlone() throws Exception {
        Path dir = TestDirs.fresh("newer");
        new SqliteSessionStoreFactory(dir).close();
        Path db = dir.resolve(Database.FILE_NAME);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        byte[] before = Files.readAllBytes(db);
        SchemaVersionException e = assertThrows(SchemaVersionException.class, () -> new SqliteSessionStoreFactory(dir));
        assertEquals(99, e.found());
        assertEquals(Schema.CURRENT_VERSION, e.supported());
        assertArrayEquals(before, Files.readAllBytes(db));
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedAndLeftAlone() throws Exception {
        Path dir = TestDirs.fresh("foreign");
        Path db = dir.resolve(Database.FILE_NAME);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)");
            s.execute("INSERT INTO invoices (amount) VALUES (42)");
        }
        PersistenceException e = assertThrows(PersistenceException.class, () -> new SqliteSessionStoreFactory(dir));
        assertTrue(e.getMessage().contains("not a Cairn store"), e.getMessage());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement("SELECT amount FROM invoices"); ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
        assertEquals(0, pragma(db, "user_version"));
    }
}
