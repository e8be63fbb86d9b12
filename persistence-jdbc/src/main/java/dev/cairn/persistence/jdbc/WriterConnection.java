package dev.cairn.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

/**
 * The connection of a {@link SingleWriter}, reused for every write transaction, with its prepared
 * statements and its transaction control statements (begin, commit, rollback, one savepoint) kept
 * prepared too. The connection is in auto-commit mode: transactions are begun and ended by those
 * statements. Only the thread that holds the writer's lock uses it.
 */
public final class WriterConnection extends CachedStatements {
    private static final int BEGIN = 0;
    private static final int COMMIT = 1;
    private static final int ROLLBACK = 2;
    private static final int SAVEPOINT = 3;
    private static final int RELEASE = 4;
    private static final int ROLLBACK_TO = 5;
    private final String[] controlSql;
    private final PreparedStatement[] control;

    /**
     * @param connection the writer's connection, in auto-commit mode
     * @param sql the dialect's statement for a template
     * @param begin the statement that begins a write transaction, e.g. {@code BEGIN IMMEDIATE}
     * @throws SQLException if a control statement cannot be prepared (the connection stays open)
     */
    public WriterConnection(Connection connection, UnaryOperator<String> sql, String begin) throws SQLException {
        super(connection, sql);
        controlSql = new String[] {begin, "COMMIT", "ROLLBACK", "SAVEPOINT c", "RELEASE c", "ROLLBACK TO c"};
        control = new PreparedStatement[controlSql.length];
        for (int i = 0; i < controlSql.length; i++) {
            control[i] = connection.prepareStatement(controlSql[i]);
        }
    }

    /**
     * Runs a control statement. A driver may give a statement up when it fails (SQLite's: "statement
     * is not executing" on its next use), so a failed one is prepared again for the next call.
     */
    private void control(int which) throws SQLException {
        try {
            control[which].execute();
        } catch (SQLException e) {
            try {
                control[which].close();
            } catch (SQLException ignored) {
                // prepared again below
            }
            try {
                control[which] = connection().prepareStatement(controlSql[which]);
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** @return the statement that begins a write transaction */
    String beginSql() {
        return controlSql[BEGIN];
    }

    /** @throws SQLException if the transaction cannot begin */
    public void begin() throws SQLException {
        control(BEGIN);
    }

    /** @throws SQLException if the commit fails; the transaction is then still open or rolled back */
    public void commit() throws SQLException {
        control(COMMIT);
    }

    /** @throws SQLException if the rollback fails */
    public void rollback() throws SQLException {
        control(ROLLBACK);
    }

    /** Starts the savepoint of one request of a batch. @throws SQLException if it fails */
    public void savepoint() throws SQLException {
        control(SAVEPOINT);
    }

    /** Ends the savepoint, keeping its writes in the transaction. @throws SQLException if it fails */
    public void release() throws SQLException {
        control(RELEASE);
    }

    /** Undoes the writes since the savepoint; it stays open until {@link #release}. @throws SQLException if it fails */
    public void rollbackToSavepoint() throws SQLException {
        control(ROLLBACK_TO);
    }

    /** Closes the statements and the connection. @throws SQLException if one of them fails to close */
    void close() throws SQLException {
        try {
            closeStatements();
            for (PreparedStatement ps : control) {
                ps.close();
            }
        } finally {
            connection().close();
        }
    }
}
