package dev.cairn.persistence.postgres;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.SchemaVersionException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store's schema to {@link Schema#CURRENT_VERSION} in one transaction that first takes a
 * transaction-scoped advisory lock named after the schema: instances that start together wait for
 * each other, and the second finds the work done. A schema of a newer version is refused with
 * {@link SchemaVersionException} before anything is written; a schema that holds tables but no
 * Cairn history is refused untouched.
 *
 * <p>PostgreSQL's DDL is transactional: a migration that fails half-way leaves the schema as it was.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** The first key of the advisory lock: "Carn". The second is the hash of the schema name. */
    static final int LOCK_CLASS = 0x4361726E;

    private Migrations() {
    }

    /**
     * Migrates to the current version.
     *
     * @param c a connection in auto-commit mode; it is left in auto-commit mode
     * @param location the location, for messages
     * @param schema the store's schema
     * @return the version found before migrating
     */
    static int migrate(Connection c, String location, String schema) throws SQLException {
        return migrateTo(c, location, schema, Schema.CURRENT_VERSION);
    }

    /**
     * Migrates to a given version; tests use it to make schemas of older versions.
     *
     * @param c a connection in auto-commit mode
     * @param location the location, for messages
     * @param schema the store's schema
     * @param target the version to reach
     * @return the version found before migrating
     */
    static int migrateTo(Connection c, String location, String schema, int target) throws SQLException {
        // Fast path, without a lock or a transaction: the usual start of an instance on a current schema.
        int seen = version(c, schema);
        if (seen == target) {
            return seen;
        }
        if (seen > Schema.CURRENT_VERSION) {
            throw new SchemaVersionException(location, seen, Schema.CURRENT_VERSION);
        }
        c.setAutoCommit(false);
        boolean done = false;
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, LOCK_CLASS);
                lock.setString(2, schema);
                lock.executeQuery().close();
            }
            int found = version(c, schema);
            if (found > Schema.CURRENT_VERSION) {
                throw new SchemaVersionException(location, found, Schema.CURRENT_VERSION);
            }
            if (found == 0) {
                if (schemaExists(c, schema)) {
                    if (hasTables(c, schema)) {
                        throw new PersistenceException("The PostgreSQL schema '" + schema + "' of " + location
                                + " holds tables but is not a Cairn store (it has no " + Schema.HISTORY_TABLE
                                + " table); it was not changed. Choose another schema with ?schema=NAME");
                    }
                } else {
                    exec(c, "CREATE SCHEMA " + Database.quote(schema), schema);
                }
            }
            for (int v = found; v < target; v++) {
                List<String> statements = Schema.STEPS.get(v);
                for (String sql : statements) {
                    exec(c, sql, schema);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Database.quote(schema) + "."
                        + Schema.HISTORY_TABLE + " (version) VALUES (?)")) {
                    ps.setInt(1, v + 1);
                    ps.executeUpdate();
                }
                LOG.info("Migrated the Cairn schema of {} to version {}", location, v + 1);
            }
            c.commit();
            done = true;
            return found;
        } finally {
            if (!done) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    LOG.debug("Rollback after a failed migration of {} failed too: {}", location, e.getMessage());
                }
            }
            c.setAutoCommit(true);
        }
    }

    /** @return the schema's version: 0 if it has no Cairn history table */
    static int version(Connection c, String schema) throws SQLException {
        // A query of the catalog, not to_regclass(): after waiting for the advisory lock, the catalog
        // cache of this connection may not have seen the table another instance just created.
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_class k JOIN pg_namespace n"
                + " ON n.oid = k.relnamespace WHERE n.nspname = ? AND k.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, Schema.HISTORY_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
            }
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + Database.quote(schema) + "."
                     + Schema.HISTORY_TABLE)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean hasTables(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = ? LIMIT 1")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void exec(Connection c, String sql, String schema) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql.replace("~", Database.quote(schema) + "."));
        }
    }
}
