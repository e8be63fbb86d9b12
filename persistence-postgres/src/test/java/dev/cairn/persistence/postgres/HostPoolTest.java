package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A host's pool is borrowed, never changed or closed. */
class HostPoolTest {

    /** A "pool" of one physical connection whose close() only counts, so leftover settings would show. */
    private static final class OneConnection implements DataSource {
        final Connection physical;
        int borrowed;

        OneConnection(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Connection getConnection() {
            borrowed++;
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        try {
                            return method.invoke(physical, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String user, String password) {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    @Test
    void everyBorrowedConnectionGoesBackAsItCameAndThePoolStaysOpen() throws Exception {
        PostgresTestServer server = PostgresTestServer.get();
        try (Connection physical = DriverManager.getConnection(server.jdbcUrl(server.database()), server.adminUser(),
                server.adminPassword())) {
            physical.setNetworkTimeout(Runnable::run, 12_345);
            OneConnection pool = new OneConnection(physical);
            String schema = server.freshSchema("host");
            try (PostgresSessionStoreFactory f = new PostgresSessionStoreFactory(pool,
                    PostgresOptions.DEFAULTS.withSchema(schema))) {
                RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s"));
                s.commitRuntimeState(RuntimeCommit.expecting(0)
                        .append(NewNode.root("n", NodeKind.USER_INPUT, new byte[] {1})).head("n").build());
                assertEquals(1, s.loadSession(SessionReadScope.activePath()).orElseThrow().nodes().size());
                f.gcUnreachable();
                f.vacuum();
            }
            assertTrue(pool.borrowed >= 5, "borrowed " + pool.borrowed);
            assertTrue(physical.getAutoCommit(), "auto-commit restored");
            assertFalse(physical.isReadOnly(), "read-only restored");
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, physical.getTransactionIsolation());
            assertEquals(12_345, physical.getNetworkTimeout(), "the host's network timeout restored");
            assertFalse(physical.isClosed(), "the factory never closes a host's connection");
        }
    }
}
