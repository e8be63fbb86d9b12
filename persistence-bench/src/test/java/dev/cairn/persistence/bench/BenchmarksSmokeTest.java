package dev.cairn.persistence.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every benchmark method a few times directly, with small sizes and no JMH timing, to prove
 * that each one executes on each target and does what it claims (the commits land, the reads
 * return the preloaded nodes). The real measurement is {@code run-benchmarks.sh}.
 *
 * <p>The PostgreSQL targets run against {@code PostgresTestServer} (one server for this JVM, started
 * on first use); where none can be had, those cases are skipped (TestAbortedException), not failed.
 * They cover the benchmarks {@code run-benchmarks.sh} runs on PostgreSQL.
 */
class BenchmarksSmokeTest {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void useTempDir() {
        System.setProperty(Dirs.PROPERTY, tmp.toString());
    }

    @Test
    void theProvidersAreFoundByServiceLoader() {
        assertTrue(SessionStores.schemes().containsAll(java.util.Set.of("memory", "sqlite", "postgres")),
                SessionStores.schemes().toString());
    }

    @Test
    void postgresTargetsNameTheirDurability() {
        for (Target t : List.of(Target.POSTGRES_PROCESS_CRASH, Target.POSTGRES_POWER_LOSS)) {
            String location = t.location(null);
            assertTrue(location.startsWith("postgres://") && location.contains("schema=bench_")
                    && location.endsWith("&durability=" + t.durability()), t + ": " + location.replaceFirst(":[^:@/]*@", ":***@"));
        }
        assertEquals("power-loss", Target.of("postgres-power-loss").durability());
        assertEquals("process-crash", Target.of("postgres-process-crash").durability());
        assertEquals(Target.NAMES, java.util.Arrays.stream(Target.values()).map(Target::paramName).toList());
    }

    @Test
    void postgresFixtureDropsItsDatabases() throws Exception {
        SessionFixture f = SessionFixture.session(Target.POSTGRES_POWER_LOSS, 10);
        try {
            f.open();
            Workload.Chain chain = f.chain("x");
            assertEquals(1, chain.revision(), "one preload commit");
            assertEquals("p10", chain.head());
            assertEquals(2, chain.commitTurn().revision());
            f.open();
            assertEquals(1, f.chain("x").revision(), "each open() starts from a fresh copy of the template");
        } finally {
            f.close();
        }
        try (Connection c = Postgres.server().adminConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'cairn_bench_db%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "template and copies dropped");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite-process-crash", "sqlite-power-loss", "postgres-process-crash",
            "postgres-power-loss"})
    void commitBench(String target) {
        CommitBench b = new CommitBench();
        b.target = target;
        b.nodes = 250;
        b.prepare();
        try {
            for (int iteration = 0; iteration < 2; iteration++) {
                b.open();
                RuntimeCommitResult r = b.throughput();
                assertEquals(2, r.revision(), "one preload commit of 250 nodes, then ours");
                r = b.latency();
                assertEquals(3, r.revision());
                assertEquals("n2", r.head().orElseThrow());
                b.closeIteration();
            }
        } finally {
            b.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite-process-crash", "sqlite-power-loss"})
    void checkpointBench(String target) {
        for (String slot : new String[] {"same", "changing"}) {
            CheckpointBench b = new CheckpointBench();
            b.target = target;
            b.slot = slot;
            b.prepare();
            try {
                b.open();
                RuntimeCommitResult first = b.throughput();
                RuntimeCommitResult second = b.throughput();
                var a = first.checkpoint().slots().get("tool_state").blob();
                var c = second.checkpoint().slots().get("tool_state").blob();
                assertEquals(Workload.SLOT_BYTES, c.size());
                assertEquals(slot.equals("same"), a.hash().equals(c.hash()), slot);
                b.closeIteration();
            } finally {
                b.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite-process-crash", "sqlite-power-loss", "postgres-process-crash",
            "postgres-power-loss"})
    void concurrentCommitBench(String target) throws Exception {
        ConcurrentCommitBench b = new ConcurrentCommitBench();
        ConcurrentCommitBench.Shared shared = new ConcurrentCommitBench.Shared();
        shared.target = target;
        shared.open();
        try {
            Thread[] threads = new Thread[4];
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    try {
                        ConcurrentCommitBench.Session s = new ConcurrentCommitBench.Session();
                        s.open(shared);
                        b.threads1(s);
                        b.threads4(s);
                        assertEquals(3, b.threads16(s).revision());
                        s.close(shared);
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
        } finally {
            shared.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite-process-crash", "sqlite-power-loss", "postgres-process-crash",
            "postgres-power-loss"})
    void readBench(String target) {
        ReadBench b = new ReadBench();
        ReadBench.PathSession path = new ReadBench.PathSession();
        path.target = target;
        path.nodes = 120;
        path.open();
        ReadBench.LongSession tail = new ReadBench.LongSession();
        tail.target = target;
        tail.size = 1_500;
        tail.open();
        try {
            PersistedSessionRead all = b.activePath(path);
            assertEquals(120, all.nodes().size());
            assertEquals(120, all.usage().turns().size());
            PersistedSessionRead last = b.activePathTail50(tail);
            assertEquals(50, last.nodes().size());
            assertEquals("p1500", last.nodes().get(49).nodeId());
        } finally {
            path.close();
            tail.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite-process-crash", "sqlite-power-loss"})
    void listSessionsBench(String target) {
        ListSessionsBench b = new ListSessionsBench();
        b.target = target;
        b.sessions = 120;
        b.open();
        try {
            var page = b.firstPage();
            assertEquals(50, page.sessions().size());
            assertTrue(page.nextCursor().isPresent());
        } finally {
            b.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NORMAL", "FULL"})
    void jdbcBaselineBench(String sync) throws Exception {
        JdbcBaselineBench b = new JdbcBaselineBench();
        b.synchronous = sync;
        b.open();
        try {
            assertEquals(1, b.throughput());
            assertEquals(2, b.latency());
            assertEquals(3, b.throughput());
            assertEquals(1, b.groupCommit16());
            assertEquals(2, b.groupCommit16());
        } finally {
            b.close();
        }
    }

    @Test
    void interleavedRatio() throws Exception {
        Interleaved.Outcome o = Interleaved.run(Target.SQLITE_PROCESS_CRASH, 2, 20);
        assertTrue(o.medianRatio() > 0 && o.providerOps() > 0 && o.baselineOps() > 0, o.line());
        assertTrue(o.line().startsWith("interleaved sqlite-process-crash: ratio median "), o.line());
    }

    @Test
    void workloadShapes() {
        assertEquals(200, Workload.PAYLOAD.length);
        byte[] slot = Workload.slotBytes(42);
        assertEquals(64 * 1024, slot.length);
        assertFalse(new String(slot, java.nio.charset.StandardCharsets.US_ASCII).isBlank());
    }

    @Test
    void fixtureDirectoriesAreDeleted() throws Exception {
        SessionFixture f = SessionFixture.session(Target.SQLITE_PROCESS_CRASH, 10);
        f.open();
        f.close();
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith("cairn-bench-")).count());
        }
    }
}
