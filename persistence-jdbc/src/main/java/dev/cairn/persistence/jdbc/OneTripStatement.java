package dev.cairn.persistence.jdbc;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Statements sent to the server in one round trip as one {@code PreparedStatement} of
 * {@code ;}-separated statements (pgjdbc sends their Parse/Bind/Execute messages with one Sync), and
 * their results read back in order. Every parameter must be known before the statements are sent.
 */
final class OneTripStatement {
    private final Statements tx;
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();

    OneTripStatement(Statements tx) {
        this.tx = tx;
    }

    /**
     * @param template a statement template ({@link Sql}, {@link OneTripSql}), without a {@code ;}
     * @param values its parameters, in order: {@code String}, {@code Long}, {@code Integer},
     *     {@code byte[]}, {@link Array}, or null (a text null)
     */
    void add(String template, Object... values) {
        if (sql.length() > 0) {
            sql.append(";\n");
        }
        sql.append(template);
        parameters.addAll(Arrays.asList(values));
    }

    /**
     * Sends the statements.
     *
     * @return their results, to be read in order
     * @throws SQLException if a statement fails (the driver sends them all, then reports the first error)
     */
    Results execute() throws SQLException {
        PreparedStatement ps = tx.ps(sql.toString());
        for (int i = 0; i < parameters.size(); i++) {
            bind(ps, i + 1, parameters.get(i));
        }
        return new Results(ps, ps.execute());
    }

    /**
     * Rolls the transaction back after a failed or refused attempt.
     *
     * @param cause the error that ended the attempt, or null
     * @throws SQLException the cause (or the rollback's error) if the rollback fails: the connection is gone
     */
    void rollback(SQLException cause) throws SQLException {
        rollback(tx, cause);
    }

    /**
     * Rolls a transaction back after a failed or refused attempt.
     *
     * @param tx the transaction
     * @param cause the error that ended the attempt, or null
     * @throws SQLException the cause (or the rollback's error) if the rollback fails: the connection is gone
     */
    static void rollback(Statements tx, SQLException cause) throws SQLException {
        try {
            tx.connection().rollback();
        } catch (SQLException e) {
            if (cause != null) {
                cause.addSuppressed(e);
                throw cause;
            }
            throw e;
        }
    }

    private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else if (v instanceof String s) {
            ps.setString(i, s);
        } else if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof Integer n) {
            ps.setInt(i, n);
        } else if (v instanceof byte[] b) {
            ps.setBytes(i, b);
        } else if (v instanceof Array a) {
            ps.setArray(i, a);
        } else {
            throw new IllegalArgumentException("cannot bind a " + v.getClass().getName());
        }
    }

    /**
     * The results of the statements in the order they were added, each read once: rows, or an update
     * count. The driver holds them all in memory when the round trip ends.
     */
    static final class Results {
        private final PreparedStatement ps;
        private boolean first = true;
        private boolean isRows;

        Results(PreparedStatement ps, boolean isRows) {
            this.ps = ps;
            this.isRows = isRows;
        }

        private void advance() throws SQLException {
            if (!first) {
                isRows = ps.getMoreResults();
            }
            first = false;
        }

        /** @return the rows of the next statement, which returns rows; closed by the next call */
        ResultSet next() throws SQLException {
            advance();
            if (!isRows) {
                throw new IllegalStateException("expected rows, got an update count");
            }
            return ps.getResultSet();
        }

        /** @return the rows of the next statement, which returns rows, as column values */
        List<Object[]> rows() throws SQLException {
            ResultSet rs = next();
            List<Object[]> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[columns];
                for (int c = 0; c < columns; c++) {
                    row[c] = rs.getObject(c + 1);
                }
                rows.add(row);
            }
            return rows;
        }

        /** @return the update count of the next statement, which returns no rows */
        int updateCount() throws SQLException {
            advance();
            if (isRows) {
                throw new IllegalStateException("expected an update count, got rows");
            }
            return ps.getUpdateCount();
        }
    }
}
