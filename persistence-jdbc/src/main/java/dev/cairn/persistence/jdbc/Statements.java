package dev.cairn.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A write transaction as the engine sees it: prepared statements by template, reused within the transaction. */
public interface Statements {
    /**
     * @param template a statement template ({@link Sql}); the transaction prepares the dialect's
     *     statement for it ({@link SqlDialect#sql})
     * @return the prepared statement; the transaction closes it
     * @throws SQLException if it cannot be prepared
     */
    PreparedStatement ps(String template) throws SQLException;

    /** @return the transaction's connection, for statements that are not cached */
    Connection connection();
}
