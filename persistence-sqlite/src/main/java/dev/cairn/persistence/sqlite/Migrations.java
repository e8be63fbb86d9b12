package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.SchemaVersionException;
import dev.cairn.persistence.jdbc.Migrator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Brings a database to {@link Schema#CURRENT_VERSION} with the engine's {@link Migrator}: each step
 * runs in its own {@code BEGIN IMMEDIATE} transaction, which re-reads {@code PRAGMA user_version}
 * under the write lock (so factories opening the same directory at once migrate it once) and sets it.
 * A database of a newer version is refused with {@link SchemaVersionException} before anything is
 * written; so is an SQLite database that is not a Cairn store.
 */
final class Migrations implements Migrator.Versions {
    private final String location;

    private Migrations(String location) {
        this.location = location;
    }

    /**
     * Migrates to the current version.
     *
     * @param c the writer connection, in auto-commit mode
     * @param location the location, for messages
     * @return the version found before migrating
     */
    static int migrate(Connection c, String location) throws SQLException {
        return migrateTo(c, location, Schema.CURRENT_VERSION);
    }

    /**
     * Migrates to a given version; tests use it to make databases of older versions.
     *
     * @param c the writer connection, in auto-commit mode
     * @param location the location, for messages
     * @param target the version to reach
     * @return the version found before migrating
     */
    static int migrateTo(Connection c, String location, int target) throws SQLException {
        return Migrator.migrate(c, location, Schema.STEPS, target, true, new Migrations(location));
    }

    @Override
    public int version(Connection c) throws SQLException {
        return intPragma(c, "user_version");
    }

    @Override
    public void inspect(Connection c, int found) throws SQLException {
        if (found != 0) {
            int appId = intPragma(c, "application_id");
            if (appId != Schema.APPLICATION_ID) {
                throw new PersistenceException("The database of " + location + " is an SQLite database of another"
                        + " application (application_id " + appId + "), not a Cairn store; it was not changed");
            }
            return;
        }
        if (intQuery(c, "SELECT count(*) FROM sqlite_master") > 0) {
            throw new PersistenceException("The database of " + location + " is an SQLite database but not a"
                    + " Cairn store (it has tables but no Cairn schema version); it was not changed."
                    + " Point the location to an empty directory or to a Cairn store");
        }
        // Set before the first table is created. The connection already opened the file in WAL mode,
        // which fixes the page layout, so the setting takes effect through a VACUUM of the empty file.
        exec(c, "PRAGMA auto_vacuum = INCREMENTAL");
        exec(c, "VACUUM");
    }

    @Override
    public void begin(Connection c) throws SQLException {
        exec(c, "BEGIN IMMEDIATE");
    }

    @Override
    public void record(Connection c, int version) throws SQLException {
        if (version == 1) {
            exec(c, "PRAGMA application_id = " + Schema.APPLICATION_ID);
        }
        exec(c, "PRAGMA user_version = " + version);
    }

    @Override
    public void commit(Connection c) throws SQLException {
        exec(c, "COMMIT");
    }

    @Override
    public void rollback(Connection c) throws SQLException {
        exec(c, "ROLLBACK");
    }

    @Override
    public void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int intPragma(Connection c, String name) throws SQLException {
        return intQuery(c, "PRAGMA " + name);
    }

    private static int intQuery(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
