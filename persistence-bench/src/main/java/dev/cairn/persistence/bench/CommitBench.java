package dev.cairn.persistence.bench;

import dev.cairn.persistence.RuntimeCommitResult;
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
 * Scenarios 1 and 2: sequential commits of one small turn (a 200-byte node, the head moved to it,
 * one usage record) to one session that holds {@code nodes} nodes when the iteration starts.
 *
 * <p>Every iteration gets a fresh factory with the preloaded session (a copy of a template
 * database for SQLite), so each iteration starts at exactly {@code nodes} nodes; the session then
 * grows by the iteration's commits. {@link #throughput} gives ops/s, {@link #latency} the
 * distribution (p50, p99).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class CommitBench {
    /** The store under test ({@link Target}). */
    @Param({"memory", "sqlite-process-crash", "sqlite-power-loss", "postgres-process-crash", "postgres-power-loss"})
    public String target;

    /** How many nodes the session holds when an iteration starts. */
    @Param({"0", "100", "10000", "100000"})
    public int nodes;

    private SessionFixture fixture;
    private Workload.Chain chain;

    /** Builds the template (SQLite) once per trial. */
    @Setup(Level.Trial)
    public void prepare() {
        fixture = SessionFixture.session(Target.of(target), nodes);
    }

    /** Opens a fresh copy of the preloaded session. */
    @Setup(Level.Iteration)
    public void open() {
        fixture.open();
        chain = fixture.chain("n");
    }

    /** Closes the iteration's factory and deletes its directory. */
    @TearDown(Level.Iteration)
    public void closeIteration() {
        fixture.closeFactory();
        chain = null;
    }

    /** Deletes the template. */
    @TearDown(Level.Trial)
    public void close() {
        fixture.close();
    }

    /** @return the result of one commit */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public RuntimeCommitResult throughput() {
        return chain.commitTurn();
    }

    /** @return the result of one commit */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RuntimeCommitResult latency() {
        return chain.commitTurn();
    }
}
