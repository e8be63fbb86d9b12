package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on the real {@code sqlite:} provider: export from SQLite, import into memory and into a
 * fresh SQLite store with identical reads; {@code verify} on a database whose bytes were damaged
 * behind the provider's back with plain JDBC ({@code DIR/cairn.db}).
 */
class SqliteStoreTest {
    @TempDir
    Path dir;

    private String source;

    @BeforeEach
    void populate() {
        source = "sqlite:" + dir.resolve("source");
        try (SessionStoreFactory f = SessionStores.open(source)) {
            Fixtures.populate(f);
        }
    }

    @Test
    void everyReadCommandWorksOnSqlite() {
        Cli cli = Cli.withStore(source);
        Cli.Run sessions = cli.run("sessions");
        assertEquals(0, sessions.code(), sessions::toString);
        assertTrue(sessions.out().endsWith("3 sessions\n"), sessions::toString);
        assertTrue(cli.run("tree", "demo").out().contains("│   └── #6 u2b user_input [tombstoned]\n"));
        assertTrue(cli.run("replay", "demo").out().contains("    (binary payload, 6 bytes, "
                + ContentHash.of(Fixtures.BINARY) + ")\n"));
        assertTrue(cli.run("stats", "demo").out().contains("  (all models)    370      80     100          5    450\n"));
        assertEquals(0, cli.run("verify").code());
    }

    @Test
    void exportFromSqliteImportsIdenticallyIntoMemoryAndAFreshSqliteStore() {
        for (String id : new String[] {"demo", "fork-1", "empty"}) {
            Path file = dir.resolve(id + ".json");
            Cli.Run export = Cli.withStore(source).run("export", id, "-o", file.toString());
            assertEquals(0, export.code(), export::toString);

            String memory = "memory:" + Stores.emptyMemory();
            Cli.Run intoMemory = Cli.withStore(memory).run("import", file.toString());
            assertEquals(0, intoMemory.code(), intoMemory::toString);
            SameReads.assertSame(source, id, memory, id);

            String fresh = "sqlite:" + dir.resolve("fresh-" + id);
            Cli.Run intoSqlite = Cli.withStore(fresh).run("import", file.toString());
            assertEquals(0, intoSqlite.code(), intoSqlite::toString);
            SameReads.assertSame(source, id, fresh, id);
        }
    }

    @Test
    void verifyFindsABlobDamagedOnDisk() throws Exception {
        ContentHash image = ContentHash.of(Fixtures.IMAGE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database())) {
            byte[] stored;
            try (PreparedStatement q = c.prepareStatement("SELECT bytes FROM blobs WHERE hash = ?")) {
                q.setBytes(1, image.toBytes());
                try (ResultSet rs = q.executeQuery()) {
                    assertTrue(rs.next(), "the blob row exists");
                    stored = rs.getBytes(1);
                }
            }
            stored[stored.length - 1] ^= 0x01;
            try (PreparedStatement u = c.prepareStatement("UPDATE blobs SET bytes = ? WHERE hash = ?")) {
                u.setBytes(1, stored);
                u.setBytes(2, image.toBytes());
                assertEquals(1, u.executeUpdate());
            }
        }
        Cli.Run r = Cli.withStore(source).run("verify");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().contains("CORRUPT  blob " + image + ": "), r::toString);
        assertTrue(r.out().contains("fork-1/u1 (attachment), demo/u1 (attachment)"), r::toString);
        assertTrue(r.out().contains("1 problem found"), r::toString);
        Cli.Run export = Cli.withStore(source).run("export", "demo", "-o", dir.resolve("x.json").toString());
        assertEquals(1, export.code(), export::toString);
        assertEquals(1, export.err().lines().count(), export::toString);
        assertEquals(0, Cli.withStore(source).run("verify", "empty").code());
    }

    @Test
    void verifyFindsAPayloadDamagedOnDisk() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database());
             PreparedStatement u = c.prepareStatement("UPDATE nodes SET payload = ? WHERE node_id = 'c1'")) {
            u.setBytes(1, "{\"name\":\"vision\",\"args\":{ }".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(u.executeUpdate() >= 1);
        }
        Cli.Run r = Cli.withStore(source).run("verify", "demo");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().contains("demo/c1") || r.out().contains("UNREADABLE  session demo: the session cannot be read: "), r::toString);
    }

    @Test
    void aFileThatIsNotADatabaseIsAStoreErrorAndABadOptionAUsageError() throws Exception {
        Path garbage = Files.createDirectories(dir.resolve("garbage"));
        Files.writeString(garbage.resolve("cairn.db"), "this is not an SQLite database, it is a text file");
        Cli.Run r = new Cli().run("sessions", "--store", "sqlite:" + garbage);
        assertEquals(4, r.code(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().startsWith("cairn sessions: Cannot open the store"), r::toString);
        Cli.Run option = new Cli().run("sessions", "--store", source + "?bogus=1");
        assertEquals(2, option.code(), option::toString);
        assertTrue(option.err().contains("Unknown option 'bogus' for scheme 'sqlite'"), option::toString);
    }

    private Path database() {
        Path db = dir.resolve("source").resolve("cairn.db");
        assertTrue(Files.isRegularFile(db), "the SQLite provider keeps its database in DIR/cairn.db");
        return db;
    }
}
