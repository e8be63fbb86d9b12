package dev.cairn.persistence.bench;

import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.TestAbortedException;

/**
 * The PostgreSQL server of the {@code postgres-*} targets: {@link PostgresTestServer}, which starts
 * one server per JVM on first use (from the io.zonky binaries in {@code benchmarks.jar}, as user
 * {@code nobody} when run as root, stopped by a shutdown hook and, if the JVM is killed, by the
 * kernel's parent-death signal), or uses the one {@code CAIRN_PG_URL} names. Each JMH fork is a JVM,
 * so each trial gets its own fresh server; nothing is started until a postgres target is used.
 *
 * <p>Stores are schemas ({@link #freshLocation}) or, where a benchmark needs every iteration to start
 * from the same preloaded state, copies of a template database ({@link #copyDatabase}): PostgreSQL's
 * {@code CREATE DATABASE ... TEMPLATE}, the counterpart of copying a SQLite file.
 *
 * <p>{@code java -cp benchmarks.jar dev.cairn.persistence.bench.Postgres} starts a server, prints one
 * line that describes it (version, origin, the settings that decide commit cost, the file system of
 * its data directory) and exits 0; it prints the reason and exits 3 when no server can be had.
 * {@code run-benchmarks.sh} uses it to decide whether to run the postgres benchmarks.
 */
public final class Postgres {
    /** The schema of the store in a template database and its copies. */
    static final String TEMPLATE_SCHEMA = "cairn_bench";
    /** Exit code of {@link #main} when no server can be had. */
    static final int UNAVAILABLE = 3;

    private Postgres() {
    }

    /**
     * @return this JVM's server, started by the first call
     * @throws TestAbortedException if no server can be had (the smoke test then skips)
     */
    public static PostgresTestServer server() {
        return PostgresTestServer.get();
    }

    /**
     * @param durability {@code power-loss} or {@code process-crash}
     * @return the location of a new store: a schema no other store of this JVM uses, in the server's
     *     database
     */
    public static String freshLocation(String durability) {
        PostgresTestServer s = server();
        return location(s.database(), s.freshSchema("bench"), durability);
    }

    /**
     * @param database a database on the server
     * @param schema the store's schema
     * @param durability {@code power-loss} or {@code process-crash}
     * @return the location
     */
    public static String location(String database, String schema, String durability) {
        return server().location(database, "schema=" + schema + "&durability=" + durability);
    }

    /** @return a new, empty database on the server */
    public static String createDatabase() {
        String name = server().freshSchema("cairn_bench_db");
        execute(server().database(), "CREATE DATABASE " + name);
        return name;
    }

    /**
     * Copies a database no one is connected to: {@code CREATE DATABASE ... TEMPLATE}, with
     * {@code STRATEGY FILE_COPY} where the server has it (15 and later): a file copy between two
     * checkpoints, so the copy is on disk before the benchmark starts, not in the WAL.
     *
     * @param template the database to copy
     * @return the copy's name
     */
    public static String copyDatabase(String template) {
        String name = server().freshSchema("cairn_bench_db");
        String strategy = versionNum() >= 150000 ? " STRATEGY FILE_COPY" : "";
        execute(server().database(), "CREATE DATABASE " + name + " TEMPLATE " + template + strategy);
        return name;
    }

    /**
     * Sets the visibility map and the planner's statistics of a freshly preloaded database
     * ({@code VACUUM (ANALYZE)}), so the benchmark does not pay for hint bits or wait for autovacuum.
     *
     * @param database the database
     */
    public static void vacuumAnalyze(String database) {
        execute(database, "VACUUM (ANALYZE)");
    }

    /**
     * Drops a database, disconnecting whoever is still connected; null is ignored.
     *
     * @param database the database
     */
    public static void dropDatabase(String database) {
        if (database != null) {
            execute(server().database(), "DROP DATABASE IF EXISTS " + database
                    + (versionNum() >= 130000 ? " WITH (FORCE)" : ""));
        }
    }

    private static int versionNum() {
        try (Connection c = server().adminConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the server version of " + server().describe() + ": " + e, e);
        }
    }

    private static void execute(String database, String sql) {
        PostgresTestServer s = server();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(database), s.adminUser(), s.adminPassword());
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + s.describe() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * @return one line: which server, the settings that decide what a commit costs, and where its
     *     data directory is
     */
    public static String describe() {
        PostgresTestServer s = server();
        List<String> settings = new ArrayList<>();
        String dataDirectory = null;
        try (Connection c = s.adminConnection(); Statement st = c.createStatement()) {
            for (String name : List.of("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes",
                    "shared_buffers", "max_wal_size", "checkpoint_timeout")) {
                try (ResultSet rs = st.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.add(name + "=" + rs.getString(1));
                }
            }
            if (!s.external()) {
                try (ResultSet rs = st.executeQuery("SHOW data_directory")) {
                    rs.next();
                    dataDirectory = rs.getString(1);
                }
            }
        } catch (SQLException e) {
            settings.add("(cannot read the settings: " + e.getMessage() + ")");
        }
        String where = "";
        if (dataDirectory != null) {
            Path dir = Path.of(dataDirectory);
            try {
                FileStore store = Files.getFileStore(dir);
                where = "; data directory " + dir.getParent() + " on " + store.type() + " (" + store.name() + ")";
            } catch (IOException e) {
                where = "; data directory " + dir.getParent();
            }
        }
        return s.describe() + "; " + String.join(", ", settings) + where;
    }

    /**
     * Starts (or reaches) the server and prints {@link #describe()}; exits {@value #UNAVAILABLE} with
     * the reason on standard output when there is none.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try {
            System.out.println(describe());
        } catch (TestAbortedException e) {
            System.out.println(e.getMessage());
            System.exit(UNAVAILABLE);
        }
    }
}
