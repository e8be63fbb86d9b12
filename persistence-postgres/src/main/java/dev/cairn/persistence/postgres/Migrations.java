package dev.cairn.persistence.postgres;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.SchemaVersionException;
import dev.cairn.persistence.jdbc.Migrator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Brings a store's schema to {@link Schema#CURRENT_VERSION} with the engine's {@link Migrator}, in
 * one transaction that first takes a transaction-scoped advisory lock named after the schema:
 * instances that start together wait for each other, and the second finds the work done. A schema
 * of a newer version is refused with {@link SchemaVersionException} before anything is written; a
 * schema that holds tables but no Cairn history is refused untouched.
 *
 * <p>PostgreSQL's DDL is transactional: a migration that fails half-way leaves the schema as it was.
 */
final class Migrations implements Migrator.Versions {
    /** The first key of the advisory lock: "Carn". The second is the hash of the schema name. */
    static final int LOCK_CLASS = 0x4361726E;

    private final String location;
    private final String schema;

    private Migrations(String location, String schema) {
        this.location = location;
        this.schema = schema;
    }

    /**
     * Migrates to a version: {@link Schema#CURRENT_VERSION}, or an older one for a test's fixture.
     *
     * @param c a connection in auto-commit mode; it is left in auto-commit mode
     * @param location the location, for messages
     * @param schema the store's schema
     * @param target the version to reach
     * @return the version found before migrating
     */
    static int migrateTo(Connection c, String location, String schema, int target) throws SQLException {
        return Migrator.migrate(c, location, Schema.STEPS, target, false, new Migrations(location, schema));
    }

    @Override
    public void begin(Connection c) throws SQLException {
        Migrator.Versions.super.begin(c);
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, LOCK_CLASS);
            lock.setString(2, schema);
            lock.executeQuery().close();
        }
    }

    @Override
    public void create(Connection c) throws SQLException {
        if (!exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            exec(c, "CREATE SCHEMA " + Database.quote(schema));
        } else if (exists(c, "SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " WHERE n.nspname = ? LIMIT 1")) {
            throw new PersistenceException("The PostgreSQL schema '" + schema + "' of " + location
                    + " holds tables but is not a Cairn store (it has no " + Schema.HISTORY_TABLE
                    + " table); it was not changed. Choose another schema with ?schema=NAME");
        }
    }

    @Override
    public void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql.replace("~", Database.quote(schema) + "."));
        }
    }

    @Override
    public void record(Connection c, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Database.quote(schema) + "."
                + Schema.HISTORY_TABLE + " (version) VALUES (?)")) {
            ps.setInt(1, version);
            ps.executeUpdate();
        }
    }

    /** @return the schema's version: 0 if it has no Cairn history table */
    @Override
    public int version(Connection c) throws SQLException {
        // A query of the catalog, not to_regclass(): after waiting for the advisory lock, the catalog
        // cache of this connection may not have seen the table another instance just created.
        if (!exists(c, "SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " WHERE n.nspname = ? AND k.relname = ?", Schema.HISTORY_TABLE)) {
            return 0;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + Database.quote(schema) + "."
                     + Schema.HISTORY_TABLE)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** @return whether the query, given the schema and the other parameters, finds a row */
    private boolean exists(Connection c, String sql, String... more) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            for (int i = 0; i < more.length; i++) {
                ps.setString(i + 2, more[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
