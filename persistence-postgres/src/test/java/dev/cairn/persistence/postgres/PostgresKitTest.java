package dev.cairn.persistence.postgres;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import dev.cairn.persistence.tck.RuntimePersistenceKit;
import java.util.Optional;

/**
 * The TCK against {@code postgres:}, each factory on a fresh schema of the test server's database.
 * Skipped, with the reason, when no PostgreSQL server can be started or reached.
 */
class PostgresKitTest extends RuntimePersistenceKit {
    private String schema;

    @Override
    protected SessionStoreFactory newFactory() {
        PostgresTestServer server = PostgresTestServer.get();
        schema = server.freshSchema("kit");
        return SessionStores.open(location());
    }

    @Override
    protected Optional<String> sharedLocation() {
        return Optional.of(location());
    }

    private String location() {
        PostgresTestServer server = PostgresTestServer.get();
        return server.location(server.database(), "schema=" + schema);
    }

    /** Flips a bit of the stored blob row behind the provider's back (rule 13). */
    @Override
    protected boolean corruptBlob(ContentHash hash) {
        return Pg.corruptBlob(schema, hash);
    }
}
