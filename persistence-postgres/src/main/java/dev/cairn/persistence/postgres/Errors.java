package dev.cairn.persistence.postgres;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.jdbc.SqlErrors;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Turns PostgreSQL's errors (by SQLState) into {@link PersistenceException}s that say what happened
 * and what to check. The transaction of a failed statement is rolled back as a whole. Messages name
 * the location with its user, never the password (pgjdbc's own messages do not carry it either).
 */
final class Errors {
    private Errors() {
    }

    /**
     * @param what what was being done, e.g. {@code "commit to session 'abc'"}
     * @param location the store's location, without the password
     * @param user the user, if the location names one
     * @param e the failure
     * @return the exception to throw
     */
    static PersistenceException translate(String what, String location, Optional<String> user, SQLException e) {
        SQLException root = SqlErrors.root(e);
        String state = String.valueOf(root.getSQLState());
        String where = " (" + location + ")";
        String detail = ": " + root.getMessage() + " [SQLState " + state + "]";
        String who = user.map(u -> "user '" + u + "'").orElse("the user");
        String start = "Cannot " + what + where;
        if (state.startsWith("08") && !state.equals("08P01")) { // 08P01 is a protocol violation, not the network
            return new PersistenceException(start + ": the PostgreSQL server cannot be reached or the connection broke;"
                    + " check that the server runs, that host and port are right, and that it accepts TCP connections"
                    + " from this machine (listen_addresses, pg_hba.conf, firewalls). If this was a commit, its outcome"
                    + " is unknown: retry it with the same idempotency key" + detail, e);
        }
        return switch (state) {
            case "28P01", "28000" -> new PersistenceException(start + ": the server refused the login of " + who
                    + "; check the user and password of the location (user:password@ or ?password=, or ~/.pgpass)"
                    + " and the server's pg_hba.conf" + detail, e);
            case "3D000" -> new PersistenceException(start + ": the database does not exist; create it"
                    + " (CREATE DATABASE) or fix the database name in the location" + detail, e);
            case "42501" -> new PersistenceException(start + ": " + who + " lacks a permission the store needs."
                    + " To create its schema the user needs CREATE on the database (GRANT CREATE ON DATABASE db TO user);"
                    + " to use an existing schema, USAGE and CREATE on it and ownership of (or all privileges on)"
                    + " its tables. See the README, 'Several machines: PostgreSQL'" + detail, e);
            case "53300", "53400" -> new PersistenceException(start + ": the server has no free connection slot;"
                    + " lower the pool sizes (?readers=&writers=) or raise max_connections" + detail, e);
            case "53100" -> new PersistenceException(start + ": the server's disk is full; nothing of it was written"
                    + " and earlier commits are intact. Free disk space and retry" + detail, e);
            case "57014" -> new PersistenceException(start + ": the statement was cancelled (statement_timeout or an"
                    + " administrator); nothing of it was written" + detail, e);
            case "57P01", "57P02", "57P03" -> new PersistenceException(start + ": the server is shutting down or"
                    + " starting; retry when it is up. If this was a commit, its outcome is unknown: retry it with the"
                    + " same idempotency key" + detail, e);
            case "40001", "40P01" -> new PersistenceException(start + ": PostgreSQL aborted it " + Database.MAX_ATTEMPTS
                    + " times for conflicts with concurrent transactions; nothing of it was written. Retry" + detail, e);
            case "XX001", "XX002" -> new StoreCorruptedException(start + ": the server reports damaged data;"
                    + " restore from a backup" + detail, e);
            case "54000" -> new PersistenceException(start + ": a value is larger than PostgreSQL's limit (1 GB per"
                    + " field)" + detail, e);
            default -> new PersistenceException(start + detail, e);
        };
    }

    /** @return true for a deadlock or a serialization failure: the transaction can run again */
    static boolean isRetryable(SQLException e) {
        String state = SqlErrors.root(e).getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** @return true if the value is out of range of its type (a token total past {@code bigint}) */
    static boolean isOutOfRange(SQLException e) {
        return "22003".equals(SqlErrors.root(e).getSQLState());
    }
}
