package dev.cairn.persistence.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A statement a connection of {@link StatementCachingDataSource} keeps, lent to one borrower at a time.
 * Each loan is a handle of its own ({@link #lend}): closing it hands the statement back once, and the
 * handle stays closed for good, so a borrower holding it afterwards can neither run, set nor hand back
 * the statement while another borrower has it. Guarded by the owning connection: a pool hands a
 * connection, and so its statements, to one thread at a time.
 */
final class KeptStatement {
    private final StatementCachingDataSource.Kept owner;
    private final String sql;
    private final PreparedStatement statement;
    /** The current loan, or null when the statement is free. */
    private Loan loan;
    private boolean onlyQueries = true;
    private ResultSet lastResult;

    KeptStatement(StatementCachingDataSource.Kept owner, String sql, PreparedStatement statement) {
        this.owner = owner;
        this.sql = sql;
        this.statement = statement;
    }

    String sql() {
        return sql;
    }

    PreparedStatement statement() {
        return statement;
    }

    boolean inUse() {
        return loan != null;
    }

    /** @return a new handle on the statement, which must be free */
    PreparedStatement lend() {
        if (loan != null) {
            throw new IllegalStateException("the statement is lent already");
        }
        loan = new Loan();
        return loan.proxy;
    }

    /** The owner took the statement back. */
    void returned() {
        loan = null;
    }

    /**
     * Whether a call leaves more behind than parameters, which the next borrower sets again
     * ({@code setX(int index, value...)}): another way to run it, a setting ({@code setMaxRows}),
     * a result that is not {@code executeQuery}'s.
     */
    private static boolean changesMoreThanParameters(String name, Method m) {
        boolean parameter = m.getParameterCount() >= 2 && m.getParameterTypes()[0] == int.class;
        return name.startsWith("execute") || name.equals("addBatch") || name.equals("getResultSet")
                || name.equals("getMoreResults") || name.startsWith("set") && !parameter;
    }

    /** One borrower's handle; closed for good once it hands the statement back. */
    private final class Loan implements InvocationHandler {
        private final PreparedStatement proxy = (PreparedStatement) Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, this);

        private boolean current() {
            return loan == this;
        }

        @Override
        public Object invoke(Object p, Method method, Object[] args) throws Throwable {
            Object own = StatementCachingDataSource.objectMethod(p, method, args, statement);
            if (own != StatementCachingDataSource.NOT_OWN) {
                return own;
            }
            String name = method.getName();
            int arity = args == null ? 0 : args.length;
            if (name.equals("close") && arity == 0) {
                if (current()) {
                    handBack();
                }
                return null;
            }
            if (name.equals("isClosed") && arity == 0) {
                return !current();
            }
            if (!current()) {
                throw new SQLException("The statement is closed");
            }
            if (name.equals("executeQuery") && arity == 0) {
                lastResult = statement.executeQuery();
                return lastResult;
            }
            if (changesMoreThanParameters(name, method)) {
                onlyQueries = false;
            }
            return StatementCachingDataSource.call(statement, method, args);
        }

        private void handBack() throws SQLException {
            ResultSet rs = lastResult;
            lastResult = null;
            try {
                if (rs != null) {
                    rs.close();
                }
                if (onlyQueries) {
                    statement.clearParameters();
                }
            } finally {
                owner.release(KeptStatement.this, onlyQueries);
            }
        }
    }
}
