package dev.cairn.persistence.bench;

import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 5: reading a session of one chain of nodes (each a 200-byte turn with a usage record):
 * {@code loadSession(activePath())} at 1,000 and 10,000 nodes, and {@code activePathTail(50)} at
 * 100,000 nodes, {@code fullGraph()} at 1,000 nodes, and the raw driver baseline of the whole-history
 * reads (issue 19 for sqlite-jdbc, issue 16 for pgjdbc): one indexed scan of the same 1,000 nodes' rows,
 * every column read.
 * Latency distribution; the session does not change during the trial.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReadBench {

    /** A session of {@code nodes} nodes for the full-path read. */
    @State(Scope.Benchmark)
    public static class PathSession {
        /** The store under test ({@link Target}). */
        @Param({"memory", "sqlite-process-crash", "sqlite-power-loss", "postgres-process-crash"})
        public String target;

        /** The length of the session's active path. */
        @Param({"1000", "10000"})
        public int nodes;

        SessionFixture fixture;
        RuntimePersistence store;

        /** Preloads and opens. */
        @Setup(Level.Trial)
        public void open() {
            fixture = SessionFixture.session(Target.of(target), nodes);
            fixture.open();
            store = fixture.factory().openExisting(Workload.SESSION).orElseThrow();
        }

        /** Closes and deletes. */
        @TearDown(Level.Trial)
        public void close() {
            fixture.close();
        }
    }

    /** A session of {@code nodes} nodes for the tail read. */
    @State(Scope.Benchmark)
    public static class LongSession {
        /** The store under test ({@link Target}). */
        @Param({"memory", "sqlite-process-crash", "sqlite-power-loss", "postgres-process-crash", "postgres-power-loss"})
        public String target;

        /** The length of the session's active path. */
        @Param({"100000"})
        public int size;

        SessionFixture fixture;
        RuntimePersistence store;

        /** Preloads and opens. */
        @Setup(Level.Trial)
        public void open() {
            fixture = SessionFixture.session(Target.of(target), size);
            fixture.open();
            store = fixture.factory().openExisting(Workload.SESSION).orElseThrow();
        }

        /** Closes and deletes. */
        @TearDown(Level.Trial)
        public void close() {
            fixture.close();
        }
    }

    /**
     * @param s the session
     * @return the whole active path
     */
    @Benchmark
    public PersistedSessionRead activePath(PathSession s) {
        return s.store.loadSession(SessionReadScope.activePath()).orElseThrow();
    }

    /**
     * @param s the session
     * @return every live node
     */
    @Benchmark
    public PersistedSessionRead fullGraph(PathSession s) {
        return s.store.loadSession(SessionReadScope.fullGraph()).orElseThrow();
    }

    /**
     * The limit of {@link #activePath} and {@link #fullGraph} on SQLite or PostgreSQL: the same
     * session's node rows read with the plain driver (sqlite-jdbc, pgjdbc) in one scan of the
     * {@code (sid, node_id)} index, every column fetched, no decoding, no payload check and no usage rows.
     *
     * @param s the session's database
     * @return the rows' payload bytes summed, so the reads cannot be skipped
     * @throws SQLException if the read fails
     */
    @Benchmark
    public long rawScan(RawSession s) throws SQLException {
        long sum = 0;
        s.scan.setLong(1, s.sid);
        try (ResultSet rs = s.scan.executeQuery()) {
            while (rs.next()) {
                sum += rs.getLong(1) + rs.getString(2).length() + rs.getLong(3) + rs.getString(4).length() + rs.getInt(5)
                        + rs.getBytes(6).length + rs.getLong(7) + rs.getBytes(8).length + rs.getLong(10) + rs.getLong(11)
                        + rs.getInt(12);
                byte[] attachments = rs.getBytes(9);
                sum += attachments == null ? 0 : attachments.length;
            }
        }
        return sum;
    }

    /**
     * {@link #rawScan} with the two text columns fetched as their UTF-8 bytes ({@code getBytes}), the way the
     * provider's read fetches them since issue 19's third pass: the stricter limit of the two, reported next
     * to {@code rawScan} so the ratio is not flattered by the driver's dearer {@code getString}.
     *
     * @param s the session's database
     * @return the rows' bytes summed, so the reads cannot be skipped
     * @throws SQLException if the read fails
     */
    @Benchmark
    public long rawScanTextAsBytes(RawSession s) throws SQLException {
        long sum = 0;
        s.scan.setLong(1, s.sid);
        try (ResultSet rs = s.scan.executeQuery()) {
            while (rs.next()) {
                sum += rs.getLong(1) + rs.getBytes(2).length + rs.getLong(3) + rs.getBytes(4).length + rs.getInt(5)
                        + rs.getBytes(6).length + rs.getLong(7) + rs.getBytes(8).length + rs.getLong(10) + rs.getLong(11)
                        + rs.getInt(12);
                byte[] attachments = rs.getBytes(9);
                sum += attachments == null ? 0 : attachments.length;
            }
        }
        return sum;
    }

    /** A session of {@code nodes} nodes, opened with the plain driver for {@link #rawScan}. */
    @State(Scope.Benchmark)
    public static class RawSession {
        /** Whose file or database the scan reads: {@code sqlite-process-crash} or {@code postgres-process-crash}. */
        @Param({"sqlite-process-crash", "postgres-process-crash"})
        public String target;

        /** The length of the session's active path. */
        @Param({"1000"})
        public int nodes;

        SessionFixture fixture;
        Connection connection;
        PreparedStatement scan;
        long sid;

        /**
         * Preloads with the provider (so the file or database is exactly its own), then opens it directly.
         *
         * @throws SQLException if the database cannot be read
         */
        @Setup(Level.Trial)
        public void open() throws SQLException {
            Target t = Target.of(target);
            if (!t.isSqlite() && !t.isPostgres()) {
                throw new IllegalArgumentException("rawScan reads sqlite-* or postgres-* targets, not " + target);
            }
            fixture = SessionFixture.session(t, nodes);
            fixture.open();
            String schema = "";
            if (t.isSqlite()) {
                connection = DriverManager.getConnection("jdbc:sqlite:" + fixture.dir().resolve("cairn.db"));
            } else {
                var server = Postgres.server();
                connection = DriverManager.getConnection(server.jdbcUrl(fixture.database()), server.adminUser(),
                        server.adminPassword());
                schema = Postgres.TEMPLATE_SCHEMA + ".";
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT sid FROM " + schema
                    + "sessions WHERE session_id = ?")) {
                ps.setString(1, Workload.SESSION);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no session " + Workload.SESSION);
                    }
                    sid = rs.getLong(1);
                }
            }
            scan = connection.prepareStatement("SELECT nid, node_id, parent_nid, kind, codec, payload, payload_size,"
                    + " payload_hash, attachments, seq, created_at, state FROM " + schema + "nodes WHERE sid = ?");
        }

        /**
         * Closes and deletes.
         *
         * @throws SQLException if closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws SQLException {
            connection.close();
            fixture.close();
        }
    }

    /**
     * @param s the session
     * @return the last 50 nodes of the active path
     */
    @Benchmark
    public PersistedSessionRead activePathTail50(LongSession s) {
        return s.store.loadSession(SessionReadScope.activePathTail(50)).orElseThrow();
    }
}
