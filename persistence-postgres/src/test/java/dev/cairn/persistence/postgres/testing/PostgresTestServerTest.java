package dev.cairn.persistence.postgres.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test server launcher: a real server, real password checks, one instance per JVM. */
class PostgresTestServerTest {

    @Test
    void runsQueries() throws SQLException {
        PostgresTestServer server = PostgresTestServer.get();
        try (Connection connection = server.adminConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select version(), current_database(), current_user")) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("PostgreSQL "), rs.getString(1));
            assertEquals(server.database(), rs.getString(2));
            assertEquals(server.adminUser(), rs.getString(3));
        }
    }

    @Test
    void rejectsAWrongPassword() {
        PostgresTestServer server = PostgresTestServer.get();
        assumeFalse(server.external(), "how an external server authenticates is up to it");
        SQLException e = assertThrows(SQLException.class, () -> DriverManager
                .getConnection(server.jdbcUrl(server.database()), server.adminUser(), "not-" + server.adminPassword())
                .close());
        assertEquals("28P01", e.getSQLState(), e.getMessage());
    }

    @Test
    void isOneServerPerJvm() {
        assertSame(PostgresTestServer.get(), PostgresTestServer.get());
    }

    @Test
    void describesWithoutThePassword() {
        PostgresTestServer server = PostgresTestServer.get();
        assumeFalse(server.external(), "an external server's URL may need percent-encoding");
        assertFalse(server.describe().contains(server.adminPassword()), server.describe());
        String location = server.location("db1", "schema=s1");
        assertEquals("postgres://" + server.adminUser() + ":" + server.adminPassword() + "@" + server.host() + ":"
                + server.port() + "/db1?schema=s1", location);
        assertEquals(location.substring(0, location.indexOf('?')), server.location("db1", ""));
    }

    @Test
    void freshSchemasDiffer() {
        PostgresTestServer server = PostgresTestServer.get();
        String a = server.freshSchema("Tck");
        String b = server.freshSchema("tck");
        assertNotEquals(a, b);
        assertTrue(a.matches("tck_[0-9]+_[0-9a-z]+"), a);
        assertThrows(IllegalArgumentException.class, () -> server.freshSchema("no-dash"));
    }

    @Test
    void parsesAnExternalUrl() {
        PostgresTestServer external = PostgresTestServer.external("postgres://app:s%40cret@db.example:6543/cairn");
        assertTrue(external.external());
        assertEquals("db.example", external.host());
        assertEquals(6543, external.port());
        assertEquals("cairn", external.database());
        assertEquals("app", external.adminUser());
        assertEquals("s@cret", external.adminPassword());
        assertEquals("jdbc:postgresql://db.example:6543/other", external.jdbcUrl("other"));
        assertEquals("postgres://app:s%40cret@db.example:6543/cairn?schema=x", external.location("cairn", "schema=x"));
        assertFalse(external.describe().contains("cret"), external.describe());

        PostgresTestServer noPassword = PostgresTestServer.external("postgres://app@localhost/cairn");
        assertEquals("", noPassword.adminPassword());
        assertEquals(5432, noPassword.port());
        assertEquals("postgres://app@localhost:5432/cairn", noPassword.location("cairn", null));

        ServerUnavailable bad = assertThrows(ServerUnavailable.class,
                () -> PostgresTestServer.external("postgres://app:hunter2@localhost:5432"));
        assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
    }
}
