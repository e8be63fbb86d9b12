package dev.cairn.persistence.bench;

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
 * Bulk commits (issue 16): the time to append {@code nodes} nodes to an empty session in commits of
 * {@value Workload#PRELOAD_BATCH} nodes, each node with a usage record ({@link Workload.Chain#preload}),
 * as the other benchmarks preload their sessions. One shot per iteration, each on a fresh store;
 * nodes per second is {@code nodes} divided by the score.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class PreloadBench {
    /** The store under test ({@link Target}). */
    @Param({"sqlite-process-crash", "sqlite-power-loss", "postgres-process-crash", "postgres-power-loss"})
    public String target;

    /** How many nodes one shot appends. */
    @Param({"100000"})
    public int nodes;

    private SessionFixture fixture;
    private Workload.Chain chain;

    /** An empty session. */
    @Setup(Level.Trial)
    public void prepare() {
        fixture = SessionFixture.session(Target.of(target), 0);
    }

    /** A fresh store for each shot. */
    @Setup(Level.Iteration)
    public void open() {
        fixture.open();
        chain = fixture.chain("n");
    }

    /** Closes the iteration's factory and deletes its data. */
    @TearDown(Level.Iteration)
    public void closeIteration() {
        fixture.closeFactory();
    }

    /** Deletes the template. */
    @TearDown(Level.Trial)
    public void close() {
        fixture.close();
    }

    /** Appends the nodes. */
    @Benchmark
    public void preload() {
        chain.preload(nodes);
    }
}
