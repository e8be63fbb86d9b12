package dev.cairn.persistence.bench;

import com.google.adk.events.Event;
import com.google.adk.events.EventActions;
import com.google.adk.sessions.Session;
import com.google.genai.types.Content;
import com.google.genai.types.Part;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.adk.CairnSessionService;
import dev.cairn.persistence.langgraph4j.CairnCheckpointSaver;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.serializer.std.ObjectStreamStateSerializer;
import org.bsc.langgraph4j.state.AgentState;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 10, "event adapters": what the event-log adapters cost. One ADK {@code appendEvent} or one
 * LangGraph4j {@code put} against a bare Cairn commit of one node (a ~100-byte payload, the head
 * moved to it) and against that commit with a ~200-byte checkpoint slot (what the core charges for
 * state committed with the node), in the same run. ADK: a text event with a one-key state delta
 * ({@code adk}), or without one ({@code adk-no-delta}: most events a runner appends, the user's
 * message, model turns and tool calls). LangGraph4j: a checkpoint whose small state changed
 * ({@code langgraph4j}) or is the previous one's ({@code langgraph4j-same-state}). The session or
 * thread holds {@code history} events or checkpoints before the iteration starts, so the figures
 * show whether the cost grows with the history (it should not: both start from the head, never the
 * path).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventAdapterBench {
    /** The store under test ({@link Target}). */
    @Param({"memory", "sqlite-process-crash"})
    public String target;

    /**
     * {@code bare}, {@code bare-slot} (the bare commit with a ~200-byte checkpoint slot: what the core
     * charges for state committed with the node), {@code bare-uuid} (the bare commit with a random UUID
     * node id, as ADK's {@code Event.generateEventId()} makes them: what the id shape alone costs), {@code adk} (an event with a state delta),
     * {@code adk-no-delta}, {@code langgraph4j} (a changed state) or {@code langgraph4j-same-state}.
     */
    @Param({"bare", "bare-slot", "bare-uuid", "adk", "adk-no-delta", "langgraph4j", "langgraph4j-same-state"})
    public String adapter;

    /** How many events or checkpoints the session holds when an iteration starts. */
    @Param({"100", "10000"})
    public int history;

    private Path dir;
    private SessionStoreFactory factory;
    private CairnSessionService adk;
    private Session session;
    private CairnCheckpointSaver lg4j;
    private final RunnableConfig thread = RunnableConfig.builder().threadId("bench").build();
    private RuntimePersistence bare;
    private long revision;
    private String head;
    private long counter;

    /** Opens a fresh store and fills the session or thread with {@code history} entries. */
    @Setup(Level.Iteration)
    public void open() {
        Target t = Target.of(target);
        dir = t.isSqlite() ? Dirs.fresh("event-adapter") : null;
        factory = t.open(dir);
        counter = 0;
        switch (adapter) {
            case "bare", "bare-slot", "bare-uuid" -> {
                bare = factory.createStore(SessionStoreCreateRequest.of("bare"));
                RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
                head = null;
                for (int i = 0; i < history; i++) {
                    String id = "n" + i;
                    b.append(NewNode.of(id, Optional.ofNullable(head), NodeKind.USER_INPUT, payload(i)));
                    head = id;
                }
                revision = bare.commitRuntimeState(b.head(head).build()).revision();
            }
            case "adk", "adk-no-delta" -> {
                adk = CairnSessionService.of(factory);
                session = adk.createSession("bench", "user", Map.of(), "s").blockingGet();
                for (int i = 0; i < history; i++) {
                    adk.appendEvent(session, event(i)).blockingGet();
                }
                session.events().clear(); // what a runner holds is its invocation, not the whole history
            }
            case "langgraph4j", "langgraph4j-same-state" -> {
                lg4j = CairnCheckpointSaver.builder().factory(factory)
                        .serializer(new ObjectStreamStateSerializer<>(AgentState::new)).build();
                for (int i = 0; i < history; i++) {
                    lg4j.put(thread, checkpoint(i));
                }
            }
            default -> throw new IllegalArgumentException("adapter must be bare, bare-slot, bare-uuid, adk, adk-no-delta, langgraph4j"
                    + " or langgraph4j-same-state, was " + adapter);
        }
        counter = history;
    }

    /** Closes the iteration's store and deletes its directory. */
    @TearDown(Level.Iteration)
    public void close() {
        factory.close();
        if (dir != null) {
            Dirs.delete(dir);
        }
    }

    private static byte[] payload(long i) {
        return ("{\"type\":\"USER\",\"contents\":[{\"text\":\"message number " + i + "\",\"type\":\"TEXT\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] state(long i) {
        return ("{\"turn\":" + i + ",\"text\":\"message number " + i + "\",\"pad\":\"" + "x".repeat(150) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private Event event(long i) {
        ConcurrentHashMap<String, Object> delta = adapter.equals("adk") ? new ConcurrentHashMap<>(Map.of("turn", i))
                : new ConcurrentHashMap<>();
        return Event.builder().id(Event.generateEventId()).invocationId("inv").author("user")
                .content(Content.builder().role("user").parts(Part.fromText("message number " + i)).build())
                .actions(EventActions.builder().stateDelta(delta).build()).timestamp(System.currentTimeMillis()).build();
    }

    private Checkpoint checkpoint(long i) {
        long turn = adapter.equals("langgraph4j") ? i : 0;
        return Checkpoint.builder().id("cp-" + i).nodeId("agent").nextNodeId(StateGraph.END)
                .state(Map.of("turn", turn, "text", "message number " + turn)).build();
    }

    /** @return what the operation returned, so JMH keeps it */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object append() {
        long i = counter++;
        switch (adapter) {
            case "bare", "bare-uuid" -> {
                String id = adapter.equals("bare") ? "b" + i : UUID.randomUUID().toString();
                RuntimeCommitResult r = bare.commitRuntimeState(RuntimeCommit.expecting(revision)
                        .append(NewNode.child(id, head, NodeKind.USER_INPUT, payload(i))).head(id).build());
                revision = r.revision();
                head = id;
                return r;
            }
            case "bare-slot" -> {
                String id = "b" + i;
                RuntimeCommitResult r = bare.commitRuntimeState(RuntimeCommit.expecting(revision)
                        .append(NewNode.child(id, head, NodeKind.USER_INPUT, payload(i))).head(id)
                        .checkpoint("state", state(i)).build());
                revision = r.revision();
                head = id;
                return r;
            }
            case "adk", "adk-no-delta" -> {
                Event e = adk.appendEvent(session, event(i)).blockingGet();
                session.events().clear();
                return e;
            }
            default -> {
                return lg4j.put(thread, checkpoint(i));
            }
        }
    }
}
