package dev.cairn.persistence.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A write transaction as shared code sees it: prepared statements by SQL, reused within the transaction. */
public interface Statements {
    /**
     * @param sql a statement of the provider's dialect
     * @return the prepared statement; the transaction closes it
     * @throws SQLException if it cannot be prepared
     */
    PreparedStatement ps(String sql) throws SQLException;
}
