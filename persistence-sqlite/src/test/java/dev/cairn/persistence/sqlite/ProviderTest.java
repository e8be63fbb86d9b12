package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Discovery, location syntax and options. */
class ProviderTest {

    private static long writerPragma(SqliteSessionStoreFactory f, String name) {
        return f.database().writeUnsafe("read a pragma", tx -> {
            try (Statement s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void theSchemeIsFoundWithServiceLoader() {
        assertTrue(SessionStores.schemes().contains("sqlite"), SessionStores.schemes().toString());
        Path dir = TestDirs.fresh("provider").resolve("created/on/open");
        try (SessionStoreFactory f = SessionStores.open("sqlite:" + dir)) {
            SqliteSessionStoreFactory sqlite = assertInstanceOf(SqliteSessionStoreFactory.class, f);
            assertEquals(Durability.PROCESS_CRASH_SAFE, f.durability());
            assertEquals(1, writerPragma(sqlite, "synchronous"), "synchronous=NORMAL");
            assertEquals("wal", sqlite.database().writeUnsafe("mode", tx -> {
                try (Statement s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            }));
            assertEquals(2, writerPragma(sqlite, "auto_vacuum"), "auto_vacuum=INCREMENTAL");
        }
        assertTrue(dir.resolve(Database.FILE_NAME).toFile().isFile());
    }

    @Test
    void powerLossDurabilityUsesSynchronousFull() {
        Path dir = TestDirs.fresh("provider");
        try (SessionStoreFactory f = SessionStores.open("sqlite:" + dir + "?durability=power-loss&readers=2"
                + "&busy-timeout-ms=250&compression-level=7")) {
            assertEquals(Durability.POWER_LOSS_SAFE, f.durability());
            assertEquals(2, writerPragma((SqliteSessionStoreFactory) f, "synchronous"), "synchronous=FULL");
            assertEquals(250, writerPragma((SqliteSessionStoreFactory) f, "busy_timeout"));
            assertEquals(SqliteOptions.DEFAULT_WAL_AUTOCHECKPOINT,
                    writerPragma((SqliteSessionStoreFactory) f, "wal_autocheckpoint"));
        }
    }

    @Test
    void walAutocheckpointIsTheWritersAndVacuumStillTruncatesTheWal() throws Exception {
        Path dir = TestDirs.fresh("provider");
        try (SessionStoreFactory f = SessionStores.open("sqlite:" + dir + "?wal-autocheckpoint=0")) {
            SqliteSessionStoreFactory sqlite = (SqliteSessionStoreFactory) f;
            assertEquals(0, writerPragma(sqlite, "wal_autocheckpoint"));
            RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("w"));
            byte[] payload = new byte[4000];
            for (int i = 0; i < 400; i++) {
                new java.util.Random(i).nextBytes(payload);
                RuntimeCommit.Builder b = RuntimeCommit.expecting(i);
                NewNode n = i == 0 ? NewNode.root("n0", NodeKind.USER_INPUT, payload)
                        : NewNode.child("n" + i, "n" + (i - 1), NodeKind.USER_INPUT, payload);
                s.commitRuntimeState(b.append(n).head(n.nodeId()).build());
            }
            Path wal = Path.of(sqlite.database().file() + "-wal");
            // 400 commits of about two pages each, never checkpointed: well past SQLite's 1,000 pages.
            assertTrue(Files.size(wal) > 1_000L * 4096, "WAL " + Files.size(wal));
            f.vacuum();
            assertEquals(0, Files.size(wal), "vacuum() checkpoints and truncates the WAL");
        }
        try (SessionStoreFactory f = SessionStores.open("sqlite:" + dir + "?wal-autocheckpoint=100000")) {
            assertEquals(100_000, writerPragma((SqliteSessionStoreFactory) f, "wal_autocheckpoint"));
        }
    }

    @Test
    void optionsAreParsedAndChecked() {
        SqliteOptions o = SqliteOptions.fromLocation(StoreLocation.parse(
                "sqlite:/x?durability=process-crash&readers=8&busy-timeout-ms=0&compression-level=-3"));
        assertEquals(new SqliteOptions(Durability.PROCESS_CRASH_SAFE, 8, Duration.ZERO, -3), o);
        assertEquals(SqliteOptions.DEFAULT_WAL_AUTOCHECKPOINT, o.walAutocheckpoint());
        assertEquals(0, SqliteOptions.fromLocation(StoreLocation.parse("sqlite:/x?wal-autocheckpoint=0")).walAutocheckpoint());
        assertEquals(100, SqliteOptions.fromLocation(StoreLocation.parse("sqlite:/x?wal-autocheckpoint=100")).walAutocheckpoint());
        assertEquals(1_000_000,
                SqliteOptions.fromLocation(StoreLocation.parse("sqlite:/x?wal-autocheckpoint=1000000")).walAutocheckpoint());
        assertEquals(SqliteOptions.DEFAULTS, SqliteOptions.fromLocation(StoreLocation.parse("sqlite:/x")));
        InvalidRequestException unknown = assertThrows(InvalidRequestException.class,
                () -> SessionStores.open("sqlite:" + TestDirs.fresh("provider") + "?journal=off"));
        assertTrue(unknown.getMessage().contains("busy-timeout-ms"), unknown.getMessage());
        for (String bad : new String[] {"durability=volatile", "readers=0", "readers=65", "busy-timeout-ms=-1",
                "compression-level=0", "compression-level=20",
                "wal-autocheckpoint=-1", "wal-autocheckpoint=1", "wal-autocheckpoint=99", "wal-autocheckpoint=1000001",
                "wal-autocheckpoint=x"}) {
            assertThrows(InvalidRequestException.class,
                    () -> SqliteOptions.fromLocation(StoreLocation.parse("sqlite:/x?" + bad)), bad);
        }
        assertThrows(InvalidRequestException.class,
                () -> new SqliteOptions(Durability.VOLATILE, 1, Duration.ZERO, 3));
    }

    @Test
    void anEmptyTargetIsRefused() {
        assertThrows(InvalidRequestException.class, () -> SessionStores.open("sqlite:"));
        assertThrows(InvalidRequestException.class,
                () -> new SqlitePersistenceProvider().open(StoreLocation.parse("memory:x")));
    }

    @Test
    void theFactoryCanBeWiredByHand() {
        Path dir = TestDirs.fresh("provider");
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir, SqliteOptions.DEFAULTS.withReaders(1))) {
            assertEquals(Durability.PROCESS_CRASH_SAFE, f.durability());
            assertTrue(f.toString().contains(dir.toString()), f.toString());
        }
    }
}
