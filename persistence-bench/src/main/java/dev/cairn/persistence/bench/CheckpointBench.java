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
 * Scenario 3: a turn that also carries a 64 KiB checkpoint slot ({@code tool_state}), either the
 * same bytes every time ({@code same}: the blob deduplicates, only the slot row is new) or bytes
 * that change every commit ({@code changing}: a new blob each time, compressed by SQLite's codec).
 * The measured operation includes building the commit, which hashes the 64 KiB.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class CheckpointBench {
    /** The store under test ({@link Target}). */
    @Param({"memory", "sqlite-process-crash", "sqlite-power-loss"})
    public String target;

    /** {@code same} or {@code changing} slot bytes. */
    @Param({"same", "changing"})
    public String slot;

    private SessionFixture fixture;
    private Workload.Chain chain;
    private byte[] bytes;
    private boolean changing;
    private long counter;

    /** Prepares an empty session. */
    @Setup(Level.Trial)
    public void prepare() {
        if (!slot.equals("same") && !slot.equals("changing")) {
            throw new IllegalArgumentException("slot must be same or changing, got " + slot);
        }
        changing = slot.equals("changing");
        bytes = Workload.slotBytes(42);
        fixture = SessionFixture.session(Target.of(target), 0);
    }

    /** A fresh store per iteration, so the blobs of earlier iterations do not pile up. */
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
        if (changing) {
            // A new state each commit: the first 16 bytes carry a counter, the rest stays alike.
            long c = ++counter;
            for (int i = 0; i < 16; i++) {
                bytes[i] = (byte) ('a' + ((c >>> (i * 4)) & 0xf));
            }
        }
        return chain.commitTurnWithCheckpoint(bytes);
    }
}
