package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A bad environment is a clear {@link PersistenceException}, and leaves no damaged database. */
class BadEnvironmentTest {

    @Test
    void aPathThatIsAFileIsRefused() throws IOException {
        Path file = TestDirs.fresh("file").resolve("plain.txt");
        Files.writeString(file, "not a directory");
        PersistenceException e = assertThrows(PersistenceException.class, () -> new SqliteSessionStoreFactory(file));
        assertTrue(e.getMessage().contains("is a file, not a directory"), e.getMessage());
        assertEquals("not a directory", Files.readString(file));
    }

    @Test
    void aReadOnlyDirectoryIsRefused() throws IOException {
        Path dir = TestDirs.fresh("readonly");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(canWrite(dir),
                    "the directory stays writable after chmod 555: the tests run as root, whom permissions do not stop");
            PersistenceException e = assertThrows(PersistenceException.class, () -> new SqliteSessionStoreFactory(dir));
            assertTrue(e.getMessage().contains("not writable"), e.getMessage());
            assertFalse(Files.exists(dir.resolve(Database.FILE_NAME)));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean canWrite(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aFileThatIsNotSqliteIsRefusedAndLeftAlone() throws IOException {
        Path dir = TestDirs.fresh("notsqlite");
        Path db = dir.resolve(Database.FILE_NAME);
        byte[] junk = "these are someone's notes, not a database\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Files.write(db, junk);
        PersistenceException e = assertThrows(PersistenceException.class, () -> new SqliteSessionStoreFactory(dir));
        assertTrue(e.getMessage().contains("not an SQLite database"), e.getMessage());
        assertArrayEquals(junk, Files.readAllBytes(db));
    }

    @Test
    void aFullDiskFailsTheCommitAndKeepsEveryEarlierOne() throws Exception {
        Path dir = TestDirs.fresh("full");
        byte[] big = BlobIntegrityTest.random(1 << 20, 11);
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s"));
            for (int i = 0; i < 20; i++) {
                NewNode n = i == 0 ? NewNode.root("n0", NodeKind.USER_INPUT, new byte[] {0})
                        : NewNode.child("n" + i, "n" + (i - 1), NodeKind.USER_INPUT, new byte[] {(byte) i});
                s.commitRuntimeState(RuntimeCommit.expecting(i).append(n).head("n" + i).build());
            }
            f.database().limitGrowthForTest(8);
            PersistenceException e = assertThrows(PersistenceException.class, () -> s.commitRuntimeState(
                    RuntimeCommit.expecting(20).append(NewNode.child("huge", "n19", NodeKind.TOOL_RESULT, big)).head("huge").build()));
            assertFalse(e instanceof InvalidRequestException);
            assertTrue(e.getMessage().contains("disk is full"), e.getMessage());
            // The store goes on working for what fits.
            PersistedSessionRead r = s.loadSession(SessionReadScope.activePath()).orElseThrow();
            assertEquals(20, r.head().revision());
            assertTrue(s.loadNode("huge").isEmpty());
            s.commitRuntimeState(RuntimeCommit.expecting(20).append(NewNode.child("n20", "n19", NodeKind.USER_INPUT, new byte[] {1}))
                    .head("n20").build());
        }
        try (SqliteSessionStoreFactory again = new SqliteSessionStoreFactory(dir)) {
            PersistedSessionRead r = again.openExisting("s").orElseThrow().loadSession(SessionReadScope.activePath()).orElseThrow();
            assertEquals(21, r.head().revision());
            assertEquals(21, r.nodes().size());
            assertEquals("n20", r.nodes().get(20).nodeId());
            assertTrue(r.nodes().stream().map(SessionNode::nodeId).noneMatch("huge"::equals));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertEquals("ok", rs.getString(1));
        }
    }

    @Test
    void anEmptyLocationAndAQuestionMarkInThePathAreRefused() {
        assertThrows(InvalidRequestException.class,
                () -> new SqlitePersistenceProvider().open(dev.cairn.persistence.StoreLocation.parse("sqlite:")));
        Path odd = TestDirs.fresh("odd").resolve("what?mode=ro");
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> new SqliteSessionStoreFactory(odd));
        assertTrue(e.getMessage().contains("'?'"), e.getMessage());
        assertFalse(Files.exists(odd));
    }
}
