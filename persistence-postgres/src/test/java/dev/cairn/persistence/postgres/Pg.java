package dev.cairn.persistence.postgres;

import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;

/** Locations on the test server, each on a fresh schema. */
final class Pg {
    private Pg() {
    }

    /** @return a location on a new schema of the test database, with extra options (may be empty) */
    static String freshLocation(String prefix, String options) {
        PostgresTestServer server = PostgresTestServer.get();
        String schema = server.freshSchema(prefix);
        return server.location(server.database(), "schema=" + schema + (options.isEmpty() ? "" : "&" + options));
    }

    /** @return a factory on the location */
    static PostgresSessionStoreFactory open(String location) {
        return (PostgresSessionStoreFactory) SessionStores.open(location);
    }

    /** @return the schema named by a location made by {@link #freshLocation} */
    static String schemaOf(String location) {
        int at = location.indexOf("schema=") + "schema=".length();
        int end = location.indexOf('&', at);
        return end < 0 ? location.substring(at) : location.substring(at, end);
    }
}
