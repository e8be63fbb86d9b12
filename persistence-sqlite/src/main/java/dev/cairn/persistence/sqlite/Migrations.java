package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.SchemaVersionException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to {@link Schema#CURRENT_VERSION}: each step runs in its own
 * {@code BEGIN IMMEDIATE} transaction, which re-reads {@code PRAGMA user_version} under the write
 * lock (so factories opening the same directory at once migrate it once) and sets it. A database of
 * a newer version is refused with {@link SchemaVersionException} before anything is written.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
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
        int found = userVersion(c);
        if (found > Schema.CURRENT_VERSION) {
            throw new SchemaVersionException(location, found, Schema.CURRENT_VERSION);
        }
        if (found == 0) {
            if (hasTables(c)) {
                throw new PersistenceException("The database of " + location + " is an SQLite database but not a"
                        + " Cairn store (it has tables but no Cairn schema version); it was not changed."
                        + " Point the location to an empty directory or to a Cairn store");
            }
            // Set before the first table is created. The connection already opened the file in WAL mode,
            // which fixes the page layout, so the setting takes effect through a VACUUM of the empty file.
            exec(c, "PRAGMA auto_vacuum = INCREMENTAL");
            exec(c, "VACUUM");
        } else {
            requireCairn(c, location);
        }
        for (int v = found; v < target; v++) {
            step(c, location, v + 1);
        }
        return found;
    }

    private static void step(Connection c, String location, int version) throws SQLException {
        exec(c, "BEGIN IMMEDIATE");
        boolean done = false;
        try {
            int now = userVersion(c);
            if (now > Schema.CURRENT_VERSION) {
                throw new SchemaVersionException(location, now, Schema.CURRENT_VERSION);
            }
            if (now < version) {
                if (now != version - 1) {
                    throw new IllegalStateException("schema version " + now + " cannot step to " + version);
                }
                List<String> statements = Schema.STEPS.get(version - 1);
                for (String sql : statements) {
                    exec(c, sql);
                }
                if (version == 1) {
                    exec(c, "PRAGMA application_id = " + Schema.APPLICATION_ID);
                }
                exec(c, "PRAGMA user_version = " + version);
                LOG.info("Migrated the Cairn database of {} to schema version {}", location, version);
            }
            exec(c, "COMMIT");
            done = true;
        } finally {
            if (!done) {
                try {
                    exec(c, "ROLLBACK");
                } catch (SQLException e) {
                    LOG.debug("Rollback after a failed migration of {} failed too: {}", location, e.getMessage());
                }
            }
        }
    }

    private static void requireCairn(Connection c, String location) throws SQLException {
        int appId = intPragma(c, "application_id");
        if (appId != Schema.APPLICATION_ID) {
            throw new PersistenceException("The database of " + location + " is an SQLite database of another"
                    + " application (application_id " + appId + "), not a Cairn store; it was not changed");
        }
    }

    static int userVersion(Connection c) throws SQLException {
        return intPragma(c, "user_version");
    }

    private static int intPragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean hasTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
