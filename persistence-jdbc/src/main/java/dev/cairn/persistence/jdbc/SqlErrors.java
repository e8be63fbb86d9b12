package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.PersistenceException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/** What a JDBC failure says beneath its wrappers (a pool's, a driver's), for a dialect's error translation. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /**
     * @param e a failure
     * @return the innermost {@link SQLException} of its causes that has a SQLState (a pool wraps the
     *     driver's), or the failure itself when none has
     */
    public static SQLException root(SQLException e) {
        SQLException best = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                best = s;
            }
        }
        return best;
    }

    /**
     * @param e a failure
     * @return whether a round trip waited longer than the connection's network timeout
     */
    public static boolean timedOut(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The failures of a networked database's connections that mean the same whatever the database.
     * A round trip that waited longer than the socket timeout closed its connection; the server rolls
     * back the transaction of a connection that went away, so nothing was written unless the timeout
     * hit the commit itself. A pool's wait for a connection that ended found none.
     *
     * @param what what failed
     * @param location the store's location
     * @param e the failure
     * @param committing whether it failed in the {@code COMMIT} itself
     * @param server the server, for the message ({@code "the PostgreSQL server"})
     * @param socketTimeoutMs the option {@code socket-timeout-ms}
     * @param connectTimeoutMs the option {@code connect-timeout-ms}
     * @return the exception, or empty when the failure is the database's own to translate
     */
    public static Optional<PersistenceException> network(String what, String location, SQLException e,
                                                         boolean committing, String server, long socketTimeoutMs,
                                                         long connectTimeoutMs) {
        if (timedOut(e)) {
            return Optional.of(new PersistenceException("Cannot " + what + " (" + location + "): " + server
                    + " did not answer within " + socketTimeoutMs + " ms (socket-timeout-ms); the connection was"
                    + " closed and" + (committing ? " the commit's outcome is unknown: retry it with the same"
                    + " idempotency key" : " nothing of it was written")
                    + ". The store reconnects by itself once the server answers again", e));
        }
        if (e instanceof SQLTransientConnectionException) {
            return Optional.of(new PersistenceException("Cannot " + what + " (" + location + "): no connection within "
                    + connectTimeoutMs + " ms (connect-timeout-ms): " + server + " did not answer, or every"
                    + " connection of the pool stayed busy; nothing of it was written", e));
        }
        return Optional.empty();
    }
}
