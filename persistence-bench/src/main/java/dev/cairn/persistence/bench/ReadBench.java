package dev.cairn.persistence.bench;

import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
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
 * 100,000 nodes. Latency distribution; the session does not change during the trial.
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
        @Param({"memory", "sqlite-process-crash", "sqlite-power-loss"})
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
     * @return the last 50 nodes of the active path
     */
    @Benchmark
    public PersistedSessionRead activePathTail50(LongSession s) {
        return s.store.loadSession(SessionReadScope.activePathTail(50)).orElseThrow();
    }
}
