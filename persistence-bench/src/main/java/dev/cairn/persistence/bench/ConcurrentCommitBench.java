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
 * <p>On {@code memory:} the sessions grow by about a million nodes a second, and the garbage
 * collector, copying them, takes a large share of the two cores (the report shows it, from
 * {@code -prof gc}). Moving each thread to a new session every few thousand commits and deleting the
 * old one would keep the heap small, but {@code deleteSession} takes the backend's write lock, and
 * with 16 threads on 2 cores that convoys every commit behind descheduled readers: it measured the
 * delete, not the commits.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConcurrentCommitBench {

    /** The factory every thread shares. */
    @State(Scope.Benchmark)
    public static class Shared {
        /** The store under test ({@link Target}). */
        @Param({"memory", "sqlite-process-crash", "sqlite-power-loss", "postgres-process-crash", "postgres-power-loss"})
        public String target;

        SessionStoreFactory factory;
        Target resolved;
        private Path dir;
        final AtomicInteger sessions = new AtomicInteger();

        /** Opens the factory on a fresh directory (PostgreSQL: a fresh schema). */
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

        /**
         * Starts a new empty session for this thread.
         *
         * @param shared the factory
         */
        @Setup(Level.Iteration)
        public void open(Shared shared) {
            sessionId = "t" + shared.sessions.incrementAndGet();
            chain = new Workload.Chain(Workload.createSession(shared.factory, sessionId), null, 0, "n");
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
                if (shared.resolved.isMemory()) {
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
        return session.chain.commitTurn();
    }

    /**
     * @param session this thread's session
     * @return the commit's result
     */
    @Benchmark
    @Threads(4)
    public RuntimeCommitResult threads4(Session session) {
        return session.chain.commitTurn();
    }

    /**
     * @param session this thread's session
     * @return the commit's result
     */
    @Benchmark
    @Threads(16)
    public RuntimeCommitResult threads16(Session session) {
        return session.chain.commitTurn();
    }
}
