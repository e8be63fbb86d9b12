package dev.cairn.persistence.adk;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;

import java.nio.file.Path;
import java.util.stream.Stream;

/** The locations the adapter tests run on: memory: and sqlite:, and a fresh postgres: schema for the two-instance tests. */
final class Stores {
    private Stores() {
    }

    static Stream<String> kinds() {
        return Stream.of("memory", "sqlite");
    }

    static String location(String kind, Path dir) {
        return kind.equals("memory") ? "memory:" : "sqlite:" + dir.resolve("cairn");
    }

    static SessionStoreFactory open(String kind, Path dir) {
        return SessionStores.open(location(kind, dir));
    }

    /** A location on the test PostgreSQL, in a schema of its own (skipped, or failed when required, without a server). */
    static String postgres(String prefix) {
        PostgresTestServer server = PostgresTestServer.get();
        return server.location(server.database(), "schema=" + server.freshSchema(prefix));
    }
}
