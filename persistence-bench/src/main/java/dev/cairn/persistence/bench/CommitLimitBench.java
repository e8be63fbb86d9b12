package dev.cairn.persistence.bench;

import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.TokenUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The plain-Java limit of {@link CommitBench}'s memory target (issue 19): the work no in-memory
 * store can skip for one turn, with no API, no checks and no locks. It names the node (the same id
 * string the benchmark builds), copies the caller's 200-byte payload (the caller keeps its array),
 * appends a node record to a list and to an id map, moves the head and adds the usage to a running
 * total. Same forks, heap, warm-up and iterations as {@link CommitBench}, and a fresh session every
 * iteration, so the two are run together and compared as a ratio ({@code CommitBench.*|CommitLimitBench.*}).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class CommitLimitBench {
    /** How many nodes the session holds when an iteration starts. */
    @Param({"0", "100000"})
    public int nodes;

    private Session session;

    /** A fresh session of {@code nodes} nodes. */
    @Setup(Level.Iteration)
    public void open() {
        session = new Session();
        for (int i = 0; i < nodes; i++) {
            session.commitTurn();
        }
    }

    /** @return the new head */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object throughput() {
        return session.commitTurn();
    }

    /** @return the new head */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object latency() {
        return session.commitTurn();
    }

    /**
     * One stored node.
     *
     * @param id the node's id
     * @param parent the parent, or null
     * @param kind the kind
     * @param payload the payload (a private copy)
     * @param seq the node's position
     * @param createdAt when it was committed
     */
    record Rec(String id, Rec parent, NodeKind kind, byte[] payload, long seq, Instant createdAt) {
    }

    /** The session: its nodes in order and by id, its head, its usage total. */
    static final class Session {
        private final List<Rec> nodes = new ArrayList<>();
        private final Map<String, Rec> byId = new HashMap<>();
        private Rec head;
        private long revision;
        private long input;
        private long output;
        private long cached;
        private long reasoning;

        Rec commitTurn() {
            String id = "n" + (nodes.size() + 1);
            Rec r = new Rec(id, head, Workload.KIND, Workload.PAYLOAD.clone(), nodes.size() + 1L, Instant.now());
            nodes.add(r);
            byId.put(id, r);
            head = r;
            revision++;
            TokenUsage u = Workload.USAGE;
            input += u.inputTokens();
            output += u.outputTokens();
            cached += u.cachedInputTokens();
            reasoning += u.reasoningTokens();
            return r;
        }

        long revision() {
            return revision;
        }
    }
}
