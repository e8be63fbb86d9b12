package dev.cairn.persistence.postgres;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

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

    /** Flips a bit of a stored blob row behind the provider's back (rule 13). */
    static boolean corruptBlob(String schema, ContentHash hash) {
        try (Connection c = PostgresTestServer.get().adminConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + schema + ".blobs"
                     + " SET bytes = set_byte(bytes, 0, get_byte(bytes, 0) # 1) WHERE hash = ?")) {
            ps.setBytes(1, hash.toBytes());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot damage blob " + hash, e);
        }
    }
}
