package dev.cairn.persistence.bench;

import dev.cairn.persistence.SessionStoreFactory;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

/**
 * Scenario 7, the baseline: the rows of one turn written by a hand-written sqlite-jdbc loop, the
 * fastest way this machine can: one {@code BEGIN IMMEDIATE} transaction per commit that moves the
 * session row (revision, head, sequence), inserts the node (payload and its SHA-256), the usage
 * record and the two usage totals. The database is created by the {@code sqlite:} provider itself,
 * so tables, indexes and incremental auto-vacuum are exactly the provider's; the connection has the
 * provider writer's pragmas, copied from its {@code Database.openWriter} (WAL, {@code synchronous}
 * NORMAL or FULL, {@code cache_size=-16384}, {@code temp_store=MEMORY},
 * {@code journal_size_limit=64 MiB}, busy timeout 10 s, NOMUTEX). Unlike the provider it checks
 * nothing, keeps row ids in Java, uses no {@code RETURNING} and resolves no checkpoint.
 * The provider's commit rate divided by this one is its efficiency.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class JdbcBaselineBench {
    /** {@code NORMAL} (like {@code durability=process-crash}) or {@code FULL} (like {@code power-loss}). */
    @Param({"NORMAL", "FULL"})
    public String synchronous;

    /** Turns per transaction in {@link #groupCommit16()}. */
    static final int GROUP = 16;

    static final String MOVE_HEAD = "UPDATE sessions SET revision = revision + 1, last_seq = last_seq + 1,"
            + " head_node_id = ? WHERE sid = ? AND revision = ?";
    static final String INSERT_NODE = "INSERT INTO nodes (nid, sid, node_id, parent_nid, seq, kind, codec, payload,"
            + " payload_size, payload_hash, attachments, created_at, ck_nid)"
            + " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, NULL, ?, NULL)";
    static final String INSERT_USAGE = "INSERT INTO usage (sid, revision, pos, nid, node_id, model, input_tokens,"
            + " output_tokens, cached_input_tokens, reasoning_tokens, recorded_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String ADD_TOTAL = "INSERT INTO usage_totals (sid, model, input_tokens, output_tokens,"
            + " cached_input_tokens, reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sid, model) DO UPDATE SET"
            + " input_tokens = input_tokens + excluded.input_tokens,"
            + " output_tokens = output_tokens + excluded.output_tokens,"
            + " cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens,"
            + " reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens";

    private Path dir;
    private Connection connection;
    private PreparedStatement begin;
    private PreparedStatement commit;
    private PreparedStatement moveHead;
    private PreparedStatement insertNode;
    private PreparedStatement insertUsage;
    private PreparedStatement addTotal;
    private MessageDigest sha256;
    /** Per session (index 0: the sequential benchmark's, 1..GROUP: the group commit's): revision and last node. */
    private final long[] revisions = new long[GROUP + 1];
    private final long[] lastNids = new long[GROUP + 1];
    private final long[] sids = new long[GROUP + 1];
    private long lastNid;

    /**
     * Opens a new database with the provider's pragmas and schema and one session.
     */
    @Setup(Level.Iteration)
    public void open() throws SQLException, NoSuchAlgorithmException {
        SQLiteConfig.SynchronousMode sync = SQLiteConfig.SynchronousMode.valueOf(synchronous);
        dir = Dirs.fresh("jdbc");
        // The provider creates the database, so the tables, indexes and file settings (auto_vacuum) are exactly its own.
        try (SessionStoreFactory f = Target.SQLITE_PROCESS_CRASH.open(dir)) {
            for (int k = 0; k <= GROUP; k++) {
                Workload.createSession(f, "bench" + k).close();
            }
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setOpenMode(SQLiteOpenMode.NOMUTEX);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(sync);
        config.setBusyTimeout(10_000);
        config.setJournalSizeLimit(64 << 20);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.setCacheSize(-16_384);
        config.enforceForeignKeys(false);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + dir.resolve("cairn.db"));
        connection = ds.getConnection();
        try (PreparedStatement ps = connection.prepareStatement("SELECT sid FROM sessions WHERE session_id = ?")) {
            for (int k = 0; k <= GROUP; k++) {
                ps.setString(1, "bench" + k);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("session bench" + k + " was not created");
                    }
                    sids[k] = rs.getLong(1);
                }
            }
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(nid), 0) FROM nodes")) {
            rs.next();
            lastNid = rs.getLong(1);
        }
        java.util.Arrays.fill(revisions, 0);
        java.util.Arrays.fill(lastNids, 0);
        begin = connection.prepareStatement("BEGIN IMMEDIATE");
        commit = connection.prepareStatement("COMMIT");
        moveHead = connection.prepareStatement(MOVE_HEAD);
        insertNode = connection.prepareStatement(INSERT_NODE);
        insertUsage = connection.prepareStatement(INSERT_USAGE);
        addTotal = connection.prepareStatement(ADD_TOTAL);
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    /** Closes the connection and deletes the database. */
    @TearDown(Level.Iteration)
    public void close() throws SQLException {
        connection.close();
        Dirs.delete(dir);
    }

    /** One commit's rows in one transaction. */
    long commitTurn() throws SQLException {
        begin.execute();
        boolean done = false;
        try {
            writeTurn(0);
            commit.execute();
            done = true;
        } finally {
            if (!done) {
                rollback();
            }
        }
        return revisions[0];
    }

    /** {@link #GROUP} turns, one to each of {@link #GROUP} sessions, in one transaction. */
    long commitGroup() throws SQLException {
        begin.execute();
        boolean done = false;
        try {
            for (int k = 1; k <= GROUP; k++) {
                writeTurn(k);
            }
            commit.execute();
            done = true;
        } finally {
            if (!done) {
                rollback();
            }
        }
        return revisions[GROUP];
    }

    private void rollback() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("ROLLBACK");
        }
    }

    /** The rows of one turn to session {@code k}, inside a transaction. */
    private void writeTurn(int k) throws SQLException {
        long sid = sids[k];
        long nid = ++lastNid;
        long parent = lastNids[k];
        long revision = revisions[k];
        String nodeId = "n" + nid;
        long now = System.currentTimeMillis() * 1_000_000L;
        moveHead.setString(1, nodeId);
        moveHead.setLong(2, sid);
        moveHead.setLong(3, revision);
        if (moveHead.executeUpdate() != 1) {
            throw new IllegalStateException("revision moved");
        }
        insertNode.setLong(1, nid);
        insertNode.setLong(2, sid);
        insertNode.setString(3, nodeId);
        if (parent == 0) {
            insertNode.setNull(4, Types.INTEGER);
        } else {
            insertNode.setLong(4, parent);
        }
        insertNode.setLong(5, revision + 1);
        insertNode.setString(6, Workload.KIND.name());
        insertNode.setBytes(7, Workload.PAYLOAD);
        insertNode.setInt(8, Workload.PAYLOAD.length);
        insertNode.setBytes(9, sha256.digest(Workload.PAYLOAD));
        insertNode.setLong(10, now);
        insertNode.executeUpdate();
        insertUsage.setLong(1, sid);
        insertUsage.setLong(2, revision + 1);
        insertUsage.setLong(3, nid);
        insertUsage.setString(4, nodeId);
        insertUsage.setString(5, Workload.MODEL);
        insertUsage.setLong(6, Workload.USAGE.inputTokens());
        insertUsage.setLong(7, Workload.USAGE.outputTokens());
        insertUsage.setLong(8, Workload.USAGE.cachedInputTokens());
        insertUsage.setLong(9, Workload.USAGE.reasoningTokens());
        insertUsage.setLong(10, now);
        insertUsage.executeUpdate();
        addTotal(sid, Workload.MODEL);
        addTotal(sid, "");
        lastNids[k] = nid;
        revisions[k] = revision + 1;
    }

    private void addTotal(long sid, String model) throws SQLException {
        addTotal.setLong(1, sid);
        addTotal.setString(2, model);
        addTotal.setLong(3, Workload.USAGE.inputTokens());
        addTotal.setLong(4, Workload.USAGE.outputTokens());
        addTotal.setLong(5, Workload.USAGE.cachedInputTokens());
        addTotal.setLong(6, Workload.USAGE.reasoningTokens());
        addTotal.executeUpdate();
    }

    /** @return the new revision */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long throughput() throws SQLException {
        return commitTurn();
    }

    /**
     * Not a baseline of the provider (which has one transaction per commit) but the measure of what
     * group commit would give: {@link #GROUP} turns to {@link #GROUP} sessions in one transaction,
     * reported per turn.
     *
     * @return the last session's new revision
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(GROUP)
    public long groupCommit16() throws SQLException {
        return commitGroup();
    }

    /** @return the new revision */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long latency() throws SQLException {
        return commitTurn();
    }
}
