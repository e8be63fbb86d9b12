package dev.cairn.persistence.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/** The settings of a connection of a host's pool, put back before it is returned. */
record HostSettings(boolean autoCommit, int isolation, boolean readOnly, int networkTimeout) {
    static HostSettings of(Connection c) throws SQLException {
        int timeout;
        try {
            timeout = c.getNetworkTimeout();
        } catch (SQLFeatureNotSupportedException e) {
            timeout = -1;
        }
        return new HostSettings(c.getAutoCommit(), c.getTransactionIsolation(), c.isReadOnly(), timeout);
    }

    void restore(Connection c) throws SQLException {
        if (networkTimeout >= 0 && c.getNetworkTimeout() != networkTimeout) {
            c.setNetworkTimeout(Runnable::run, networkTimeout);
        }
        if (c.isReadOnly() != readOnly) {
            c.setReadOnly(readOnly);
        }
        if (c.getTransactionIsolation() != isolation) {
            c.setTransactionIsolation(isolation);
        }
        if (c.getAutoCommit() != autoCommit) {
            c.setAutoCommit(autoCommit);
        }
    }
}
