package dev.cairn.persistence.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import dev.cairn.persistence.tck.RuntimePersistenceKit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/**
 * The TCK against a factory on a pool the host owns ({@code new PostgresSessionStoreFactory(DataSource,
 * options)}), the way a Spring or Quarkus service wires it: an auto-commit pool with default settings,
 * which the factory must neither close nor leave changed. The child JVMs of rule 23 and the second
 * factories of the kit open the same schema by location.
 */
class DataSourceKitTest extends RuntimePersistenceKit {
    private final List<HikariDataSource> pools = new ArrayList<>();
    private String schema;

    @Override
    protected SessionStoreFactory newFactory() {
        PostgresTestServer server = PostgresTestServer.get();
        schema = server.freshSchema("hostpool");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl(server.database()));
        config.setUsername(server.adminUser());
        config.setPassword(server.adminPassword());
        config.setMaximumPoolSize(6);
        config.setMinimumIdle(0);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return new PostgresSessionStoreFactory(pool, PostgresOptions.DEFAULTS.withSchema(schema));
    }

    @Override
    protected Optional<String> sharedLocation() {
        PostgresTestServer server = PostgresTestServer.get();
        return Optional.of(server.location(server.database(), "schema=" + schema));
    }

    @Override
    protected boolean corruptBlob(ContentHash hash) {
        return Pg.corruptBlob(schema, hash);
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
    }
}
