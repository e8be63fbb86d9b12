package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on a {@code postgres:} store: a session exported from another store and imported there
 * reads the same, and the inspection commands work on it. This is the path from SQLite to
 * PostgreSQL when a service outgrows one machine. Skipped with the reason when no PostgreSQL can run.
 */
class PostgresStoreTest {
    @TempDir
    Path dir;

    @Test
    void aSessionMovedIntoPostgresReadsTheSameAndCanBeInspected() {
        PostgresTestServer server = PostgresTestServer.get();
        String target = server.location(server.database(), "schema=" + server.freshSchema("cli"));
        String source = Stores.populatedMemory();
        Path file = dir.resolve("demo.json");
        assertEquals(0, Cli.withStore(source).run("export", "demo", "--output", file.toString()).code());

        Cli.Run imported = Cli.withStore(target).run("import", file.toString());
        assertEquals(0, imported.code(), imported::toString);
        SameReads.assertSame(source, "demo", target, "demo");

        Cli.Run sessions = Cli.withStore(target).run("sessions");
        assertEquals(0, sessions.code(), sessions::toString);
        assertTrue(sessions.out().contains("demo"), sessions::toString);
        assertFalse(sessions.out().contains(server.adminPassword()), "the password is never printed");
        assertEquals(0, Cli.withStore(target).run("verify").code());
        assertEquals(0, Cli.withStore(target).run("replay", "demo").code());
    }
}
