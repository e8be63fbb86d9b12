package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.SchemaVersionException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The provider creates and migrates its schema, once, even when instances start together. */
class SchemaTest {

    private static long query(String sql) throws SQLException {
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = PostgresTestServer.get().adminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void instancesStartingTogetherCreateTheSchemaOnce() throws Exception {
        String location = Pg.freshLocation("together", "readers=1&writers=1");
        String schema = Pg.schemaOf(location);
        int instances = 6;
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<PostgresSessionStoreFactory>> opening = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            opening.add(pool.submit(() -> {
                go.await();
                return Pg.open(location);
            }));
        }
        go.countDown();
        List<PostgresSessionStoreFactory> factories = new ArrayList<>();
        try {
            for (Future<PostgresSessionStoreFactory> f : opening) {
                factories.add(f.get());
            }
            assertEquals(Schema.CURRENT_VERSION, query("SELECT max(version) FROM " + schema + ".cairn_schema_history"));
            assertEquals(Schema.CURRENT_VERSION, query("SELECT count(*) FROM " + schema + ".cairn_schema_history"));
            assertEquals(Schema.TABLES.size(), query("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "'"));
            factories.get(0).createStore(SessionStoreCreateRequest.of("s")).commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.root("n", NodeKind.USER_INPUT, new byte[] {1})).build());
            assertTrue(factories.get(instances - 1).openExisting("s").orElseThrow().loadNode("n").isPresent());
        } finally {
            factories.forEach(PostgresSessionStoreFactory::close);
            pool.shutdownNow();
        }
    }

    @Test
    void aSchemaOfANewerVersionIsRefusedUntouched() throws Exception {
        String location = Pg.freshLocation("newer", "");
        String schema = Pg.schemaOf(location);
        try (PostgresSessionStoreFactory f = Pg.open(location)) {
            f.createStore(SessionStoreCreateRequest.of("kept"));
        }
        exec("INSERT INTO " + schema + ".cairn_schema_history (version) VALUES (" + (Schema.CURRENT_VERSION + 1) + ")");
        SchemaVersionException e = assertThrows(SchemaVersionException.class, () -> Pg.open(location));
        assertEquals(Schema.CURRENT_VERSION + 1, e.found());
        assertEquals(Schema.CURRENT_VERSION, e.supported());
        assertEquals(1, query("SELECT count(*) FROM " + schema + ".sessions"));
        assertEquals(Schema.CURRENT_VERSION + 1, query("SELECT max(version) FROM " + schema + ".cairn_schema_history"));
    }

    @Test
    void aSchemaOfAnotherApplicationIsRefusedUntouched() throws Exception {
        String location = Pg.freshLocation("foreign", "");
        String schema = Pg.schemaOf(location);
        exec("CREATE SCHEMA " + schema);
        exec("CREATE TABLE " + schema + ".invoices (id int)");
        PersistenceException e = assertThrows(PersistenceException.class, () -> Pg.open(location));
        assertTrue(e.getMessage().contains("not a Cairn store"), e.getMessage());
        assertEquals(1, query("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "'"));
    }

    @Test
    void anEmptyExistingSchemaIsUsedAndReopeningChangesNothing() throws Exception {
        String location = Pg.freshLocation("empty", "");
        String schema = Pg.schemaOf(location);
        exec("CREATE SCHEMA " + schema);
        try (PostgresSessionStoreFactory f = Pg.open(location)) {
            f.createStore(SessionStoreCreateRequest.of("s")).commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.root("n", NodeKind.USER_INPUT, new byte[] {1})).head("n").build());
        }
        try (PostgresSessionStoreFactory f = Pg.open(location)) {
            assertEquals(1, f.openExisting("s").orElseThrow().loadSession(SessionReadScope.activePath())
                    .orElseThrow().nodes().size());
        }
        assertEquals(Schema.CURRENT_VERSION, query("SELECT count(*) FROM " + schema + ".cairn_schema_history"));
    }

    @Test
    void storesInTwoSchemasOfOneDatabaseAreIndependent() {
        try (PostgresSessionStoreFactory a = Pg.open(Pg.freshLocation("tenant", ""));
             PostgresSessionStoreFactory b = Pg.open(Pg.freshLocation("tenant", ""))) {
            a.createStore(SessionStoreCreateRequest.of("same-id"));
            assertTrue(b.openExisting("same-id").isEmpty());
        }
    }
}
