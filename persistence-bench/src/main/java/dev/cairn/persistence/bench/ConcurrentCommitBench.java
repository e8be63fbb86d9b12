package dev.cairn.persistence.bench;

import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreClosedException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 4: 1, 4 and 16 threads, each committing turns to its own session of one shared factory.
 * JMH reports the total ops/s of all threads. Each thread starts a new session every iteration.
 *
 * <p>On {@code memory:} a thread also moves to a new session every {@link #MEMORY_ROTATION} commits
 * and deletes the old one (inside the measured time): at a million commits a second the sessions
 * would otherwise grow by gigabytes per iteration, and the benchmark would measure the garbage
 * collector copying them (about half of the time) rather than commits and their contention.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConcurrentCommitBench {

    /** Commits after which a memory thread moves to a new session. */
    static final int MEMORY_ROTATION = 10_000;

    /** The factory every thread shares. */
    @State(Scope.Benchmark)
    public static class Shared {
        /** The store under test ({@link Target}). */
        @Param({"memory", "sqlite-process-crash", "sqlite-power-loss"})
        public String target;

        SessionStoreFactory factory;
        Target resolved;
        private Path dir;
        final AtomicInteger sessions = new AtomicInteger();

        /** Opens the factory on a fresh directory. */
        @Setup(Level.Trial)
        public void open() {
            resolved = Target.of(target);
            dir = resolved.isSqlite() ? Dirs.fresh("concurrent") : null;
            factory = resolved.open(dir);
        }

        /** Closes it and deletes the directory. */
        @TearDown(Level.Trial)
        public void close() {
            factory.close();
            Dirs.delete(dir);
        }
    }

    /** One thread's session. */
    @State(Scope.Thread)
    public static class Session {
        Workload.Chain chain;
        private String sessionId;
        private Shared shared;
        private boolean rotate;
        private int commits;

        /**
         * Starts a new empty session for this thread.
         *
         * @param shared the factory
         */
        @Setup(Level.Iteration)
        public void open(Shared shared) {
            this.shared = shared;
            rotate = !shared.resolved.isSqlite();
            commits = 0;
            start();
        }

        private void start() {
            sessionId = "t" + shared.sessions.incrementAndGet();
            chain = new Workload.Chain(Workload.createSession(shared.factory, sessionId), null, 0, "n");
        }

        /** @return the result of one commit; on memory, every {@link #MEMORY_ROTATION} commits, moves to a new session */
        RuntimeCommitResult commit() {
            RuntimeCommitResult r = chain.commitTurn();
            if (rotate && ++commits == MEMORY_ROTATION) {
                commits = 0;
                chain.store().close();
                shared.factory.deleteSession(sessionId);
                start();
            }
            return r;
        }

        /**
         * Closes the store; in memory also deletes the session, so the heap does not fill up.
         *
         * @param shared the factory
         */
        @TearDown(Level.Iteration)
        public void close(Shared shared) {
            try {
                chain.store().close();
                if (!shared.resolved.isSqlite()) {
                    shared.factory.deleteSession(sessionId);
                }
            } catch (StoreClosedException e) {
                // After the last iteration JMH may run the shared trial teardown before this one: nothing to free.
            }
        }
    }

    /**
     * @param session this thread's session
     * @return the commit's result
     */
    @Benchmark
    @Threads(1)
    public RuntimeCommitResult threads1(Session session) {
        return session.commit();
    }

    /**
     * @param session this thread's session
     * @return the commit's result
     */
    @Benchmark
    @Threads(4)
    public RuntimeCommitResult threads4(Session session) {
        return session.commit();
    }

    /**
     * @param session this thread's session
     * @return the commit's result
     */
    @Benchmark
    @Threads(16)
    public RuntimeCommitResult threads16(Session session) {
        return session.commit();
    }
}
