package dev.cairn.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A write transaction's connection and the statements it prepared, one per template: the engine's
 * {@link Statements} for a dialect's transaction. Not thread-safe: one transaction uses it at a time.
 * {@link SingleWriter}'s connection keeps its statements across transactions; a pooled transaction's
 * ({@link Transactions}) are closed when it ends.
 */
public class CachedStatements implements Statements {
    private final Connection connection;
    private final UnaryOperator<String> sql;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private boolean rollbackOnly;

    /**
     * @param connection the transaction's connection
     * @param sql the dialect's statement for a template ({@link SqlDialect#sql})
     */
    public CachedStatements(Connection connection, UnaryOperator<String> sql) {
        this.connection = connection;
        this.sql = sql;
    }

    /**
     * @param template an engine template or a statement of the dialect
     * @return its prepared statement, prepared once and then reused
     */
    @Override
    public PreparedStatement ps(String template) throws SQLException {
        PreparedStatement ps = statements.get(template);
        if (ps == null) {
            ps = connection.prepareStatement(sql.apply(template));
            statements.put(template, ps);
        }
        return ps;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    /**
     * Runs a statement once, without preparing it: pragmas, session settings, rare maintenance.
     *
     * @param statement a template or a statement of the dialect, translated as {@link #ps} does
     * @throws SQLException if it fails
     */
    public void exec(String statement) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql.apply(statement));
        }
    }

    /** Makes a pooled transaction ({@link Transactions#write}) end with a rollback although its work returns. */
    public void rollbackOnly() {
        rollbackOnly = true;
    }

    /** @return whether {@link #rollbackOnly()} was called */
    public boolean isRollbackOnly() {
        return rollbackOnly;
    }

    /**
     * Closes the prepared statements; they are prepared again when next used. Tries every one and
     * throws the first failure.
     *
     * @throws SQLException if one cannot be closed
     */
    public void closeStatements() throws SQLException {
        SQLException first = null;
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        statements.clear();
        if (first != null) {
            throw first;
        }
    }
}
