package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Each way of failing to open a store gives a {@link PersistenceException} that names the cause and
 * what to check, and never shows the password: not in the message, not in a cause's message.
 */
class ConnectionErrorsTest {
    private static final String SECRET = "Pa55-" + UUID.randomUUID();

    private static String url(String user, String password, int port, String database, String schema) {
        PostgresTestServer s = PostgresTestServer.get();
        return "postgres://" + user + ":" + password + "@" + s.host() + ":" + port + "/" + database + "?schema=" + schema
                + "&connect-timeout-ms=3000";
    }

    private static PersistenceException refused(String location, String expected) {
        PersistenceException e = assertThrows(PersistenceException.class, () -> SessionStores.open(location).close());
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(trace.toString().contains(SECRET), "the password appears in: " + trace);
        return e;
    }

    @Test
    void anUnreachableServerSaysWhatToCheck() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        PersistenceException e = refused(url("app", SECRET, closed, "db", "cairn"), "cannot be reached");
        assertTrue(e.getMessage().contains("127.0.0.1:" + closed), e.getMessage());
    }

    @Test
    void wrongCredentialsSayWhatToCheck() {
        PostgresTestServer s = PostgresTestServer.get();
        Assumptions.assumeFalse(s.external(), "the external server may trust every login");
        refused(url(s.adminUser(), SECRET, s.port(), s.database(), "cairn"), "refused the login of user '"
                + s.adminUser() + "'");
    }

    @Test
    void aMissingDatabaseSaysSo() {
        PostgresTestServer s = PostgresTestServer.get();
        refused(url(s.adminUser(), SECRET, s.port(), "no_such_db", "cairn").replace(SECRET, s.adminPassword()),
                "database does not exist");
    }

    @Test
    void missingPermissionsSayWhichGrantIsNeeded() throws Exception {
        PostgresTestServer s = PostgresTestServer.get();
        String role = "cairn_limited_" + Long.toHexString(System.nanoTime());
        try (Connection c = s.adminConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + SECRET + "'");
        } catch (SQLException e) {
            Assumptions.abort("cannot create a role on this server to test permissions: " + e.getMessage());
        }
        String schema = s.freshSchema("perm");
        String location = url(role, SECRET, s.port(), s.database(), schema);
        refused(location, "GRANT CREATE ON DATABASE");

        // The documented alternative to CREATE on the database: an existing schema the user may use.
        try (Connection c = s.adminConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema + " AUTHORIZATION " + role);
        }
        try (var f = SessionStores.open(location)) {
            f.createStore(SessionStoreCreateRequest.of("s")).commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.root("n", NodeKind.USER_INPUT, new byte[] {1})).build());
        }
    }
}
