package dev.cairn.persistence.bench;

import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionStoreFactory;
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
 * Scenario 6: the first page ({@link SessionQuery#all()}, 50 sessions, newest first) of a
 * catalogue of {@code sessions} sessions, each with a name, model, cwd and one attribute.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ListSessionsBench {
    /** The store under test ({@link Target}). */
    @Param({"memory", "sqlite-process-crash", "sqlite-power-loss"})
    public String target;

    /** How many sessions the catalogue holds. */
    @Param({"100000"})
    public int sessions;

    private SessionFixture fixture;
    private SessionStoreFactory factory;
    private final SessionQuery query = SessionQuery.all();

    /** Creates the sessions and opens the factory. */
    @Setup(Level.Trial)
    public void open() {
        int n = sessions;
        fixture = SessionFixture.prepare(Target.of(target), f -> {
            for (int i = 0; i < n; i++) {
                Workload.createSession(f, "s" + i).close();
            }
        });
        factory = fixture.open();
    }

    /** Closes and deletes. */
    @TearDown(Level.Trial)
    public void close() {
        fixture.close();
    }

    /** @return the first page */
    @Benchmark
    public SessionPage firstPage() {
        return factory.listSessions(query);
    }
}
