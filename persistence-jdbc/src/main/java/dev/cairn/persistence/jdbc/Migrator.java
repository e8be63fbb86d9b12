package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.SchemaVersionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store's schema forward: ordered steps, version {@code n} reached by running the steps of
 * versions 1 to {@code n}, each recorded as it is applied; a schema of a newer version is refused
 * with {@link SchemaVersionException} before anything is written. Each migration transaction first
 * takes what serializes migrations ({@link Versions#begin}) and reads the version again, so stores
 * that open together migrate once. The dialect says how the version is kept and how transactions
 * are made; the steps are its DDL.
 */
public final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    /** How a dialect keeps its schema's version and runs a migration's transaction. */
    public interface Versions {
        /**
         * @param c the connection
         * @return the recorded version, 0 for none
         * @throws SQLException on error
         */
        int version(Connection c) throws SQLException;

        /**
         * Looks at the schema before any transaction: refuses one that is not Cairn's (nothing is
         * changed), prepares a new one where that cannot run in a transaction.
         *
         * @param c the connection
         * @param found the version found, 0 for none
         * @throws SQLException on error
         */
        default void inspect(Connection c, int found) throws SQLException {
        }

        /**
         * Begins a migration's transaction, serialized with other migrations; by default a JDBC
         * transaction (auto-commit off), which the dialect may lock.
         *
         * @param c the connection
         * @throws SQLException on error
         */
        default void begin(Connection c) throws SQLException {
            c.setAutoCommit(false);
        }

        /**
         * Makes a schema that has no version yet ready for the first step, in the transaction.
         *
         * @param c the connection
         * @throws SQLException on error
         */
        default void create(Connection c) throws SQLException {
        }

        /**
         * Runs one statement of a step.
         *
         * @param c the connection
         * @param sql the statement
         * @throws SQLException on error
         */
        void exec(Connection c, String sql) throws SQLException;

        /**
         * Records that the schema is at a version.
         *
         * @param c the connection
         * @param version the version
         * @throws SQLException on error
         */
        void record(Connection c, int version) throws SQLException;

        /**
         * Commits and puts auto-commit back.
         *
         * @param c the connection
         * @throws SQLException if the commit fails
         */
        default void commit(Connection c) throws SQLException {
            c.commit();
            c.setAutoCommit(true);
        }

        /**
         * Rolls back and puts auto-commit back.
         *
         * @param c the connection
         * @throws SQLException if the rollback fails
         */
        default void rollback(Connection c) throws SQLException {
            try {
                c.rollback();
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private Migrator() {
    }

    /**
     * Reads a dialect's steps from its resources {@code schema-v1.sql} to {@code schema-vN.sql}:
     * statements end with a {@code ;} at the end of a line, lines are trimmed and joined with one
     * space, lines starting with {@code --} are comments. Between two {@code $$} (a function's body)
     * a {@code ;} at the end of a line does not end the statement. A step never changes once released.
     *
     * @param resources opens a resource of the dialect's package by name (the dialect's own
     *     {@code Class::getResourceAsStream}, so its module's resources stay its own)
     * @param count the number of versions
     * @return the steps, index {@code i} taking the schema from version {@code i} to {@code i + 1}
     * @throws IllegalStateException if a step's resource is missing or unreadable
     */
    public static List<List<String>> steps(Function<String, InputStream> resources, int count) {
        List<List<String>> steps = new ArrayList<>(count);
        for (int v = 1; v <= count; v++) {
            String name = "schema-v" + v + ".sql";
            try (InputStream in = resources.apply(name)) {
                if (in == null) {
                    throw new IllegalStateException("the schema step " + name + " is missing from the provider's jar");
                }
                List<String> statements = new ArrayList<>();
                StringBuilder statement = new StringBuilder();
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String t = line.strip();
                    if (t.isEmpty() || t.startsWith("--")) {
                        continue;
                    }
                    statement.append(statement.length() == 0 ? "" : " ").append(t);
                    if (t.endsWith(";") && statement.toString().split("\\$\\$", -1).length % 2 == 1) {
                        statements.add(statement.substring(0, statement.length() - 1));
                        statement.setLength(0);
                    }
                }
                if (statement.length() > 0) {
                    throw new IllegalStateException("the schema step " + name + " ends without a ';'");
                }
                steps.add(List.copyOf(statements));
            } catch (IOException e) {
                throw new IllegalStateException("the schema step " + name + " cannot be read: " + e, e);
            }
        }
        return List.copyOf(steps);
    }

    /**
     * Migrates to a version.
     *
     * @param c the connection, in auto-commit mode; it is left in auto-commit mode
     * @param location the store, for messages
     * @param steps the steps, index {@code i} taking the schema from version {@code i} to {@code i + 1}
     * @param target the version to reach (tests reach older ones)
     * @param stepPerTransaction one transaction per step, or one for all
     * @param versions the dialect's part
     * @return the version found before migrating
     * @throws SQLException on a database error (the failed transaction is rolled back)
     */
    public static int migrate(Connection c, String location, List<List<String>> steps, int target,
                              boolean stepPerTransaction, Versions versions) throws SQLException {
        int current = steps.size();
        int found = versions.version(c);
        if (found > current) {
            throw new SchemaVersionException(location, found, current);
        }
        versions.inspect(c, found);
        if (stepPerTransaction) {
            for (int to = found + 1; to <= target; to++) {
                transaction(c, location, steps, to, versions);
            }
        } else if (found < target) {
            transaction(c, location, steps, target, versions);
        }
        return found;
    }

    private static void transaction(Connection c, String location, List<List<String>> steps, int to, Versions versions)
            throws SQLException {
        boolean done = false;
        try {
            versions.begin(c);
            int now = versions.version(c);
            if (now > steps.size()) {
                throw new SchemaVersionException(location, now, steps.size());
            }
            if (now == 0) {
                versions.create(c);
            }
            for (int next = now + 1; next <= to; next++) {
                for (String sql : steps.get(next - 1)) {
                    versions.exec(c, sql);
                }
                versions.record(c, next);
                LOG.info("Migrated the Cairn schema of {} to version {}", location, next);
            }
            versions.commit(c);
            done = true;
        } finally {
            if (!done) {
                try {
                    versions.rollback(c);
                } catch (SQLException e) {
                    LOG.debug("Rollback after a failed migration of {} failed too: {}", location, e.getMessage());
                }
            }
        }
    }
}
