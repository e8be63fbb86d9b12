package dev.cairn.persistence.bench;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.langchain4j.CairnChatMemoryStore;
import dev.cairn.persistence.springai.CairnChatMemoryRepository;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.UserMessage;
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
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 8: what a framework adapter costs. One {@code updateMessages} (LangChain4j) or
 * {@code saveAll} (Spring AI) of a window of 20 messages with one new message, as a window memory
 * sends it after each message, against a bare Cairn commit of one node (a ~100-byte payload, the
 * head moved to it) in the same run. The conversation holds {@code history} messages before the
 * iteration starts, so the figures show whether the adapter's cost grows with the history (it
 * should not: alignment reads the window, never the history).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class AdapterBench {
    /** The window a memory keeps, as in the adapters' tests and Spring AI's default of 20. */
    static final int WINDOW = 20;

    /** The store under test ({@link Target}). */
    @Param({"memory", "sqlite-process-crash"})
    public String target;

    /**
     * {@code bare} (a prepared payload), {@code by-hand} (what a host does to keep the new message
     * itself: LangChain4j's own JSON of it, then the bare commit), {@code langchain4j} or {@code spring-ai}.
     */
    @Param({"bare", "by-hand", "langchain4j", "spring-ai"})
    public String adapter;

    /** How many messages the conversation holds when an iteration starts. */
    @Param({"100", "10000"})
    public int history;

    private Path dir;
    private SessionStoreFactory factory;
    private CairnChatMemoryStore lc4j;
    private CairnChatMemoryRepository sai;
    private final ArrayDeque<ChatMessage> lc4jWindow = new ArrayDeque<>();
    private final ArrayDeque<Message> saiWindow = new ArrayDeque<>();
    private RuntimePersistence bare;
    private long revision;
    private String head;
    private long counter;

    /** Opens a fresh store and fills the conversation with {@code history} messages. */
    @Setup(Level.Iteration)
    public void open() {
        Target t = Target.of(target);
        dir = t.isSqlite() ? Dirs.fresh("adapter") : null;
        factory = t.open(dir);
        counter = 0;
        switch (adapter) {
            case "bare", "by-hand" -> {
                bare = factory.createStore(SessionStoreCreateRequest.of("bare"));
                revision = 0;
                head = null;
                RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
                for (int i = 0; i < history; i++) {
                    String id = "n" + i;
                    b.append(NewNode.of(id, java.util.Optional.ofNullable(head), NodeKind.USER_INPUT, payload(i)));
                    head = id;
                }
                revision = bare.commitRuntimeState(b.head(head).build()).revision();
            }
            case "langchain4j" -> {
                lc4j = CairnChatMemoryStore.of(factory);
                List<ChatMessage> all = new ArrayList<>(history);
                for (int i = 0; i < history; i++) {
                    all.add(i % 2 == 0 ? UserMessage.from("message number " + i) : AiMessage.from("answer number " + i));
                }
                lc4j.updateMessages("bench", all);
                lc4jWindow.clear();
                lc4jWindow.addAll(all.subList(history - WINDOW, history));
                lc4j.updateMessages("bench", new ArrayList<>(lc4jWindow));
                counter = history;
            }
            case "spring-ai" -> {
                sai = CairnChatMemoryRepository.of(factory);
                List<Message> all = new ArrayList<>(history);
                for (int i = 0; i < history; i++) {
                    all.add(i % 2 == 0 ? new org.springframework.ai.chat.messages.UserMessage("message number " + i)
                            : new AssistantMessage("answer number " + i));
                }
                sai.saveAll("bench", all);
                saiWindow.clear();
                saiWindow.addAll(all.subList(history - WINDOW, history));
                sai.saveAll("bench", new ArrayList<>(saiWindow));
                counter = history;
            }
            default -> throw new IllegalArgumentException("adapter must be bare, by-hand, langchain4j or spring-ai, was " + adapter);
        }
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

    /** @return what the operation returned, so JMH keeps it */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object update() {
        long i = counter++;
        switch (adapter) {
            case "by-hand" -> {
                String id = "b" + i;
                byte[] json = ChatMessageSerializer.messageToJson(UserMessage.from("message number " + i)).getBytes(StandardCharsets.UTF_8);
                RuntimeCommitResult r = bare.commitRuntimeState(RuntimeCommit.expecting(revision)
                        .append(NewNode.child(id, head, NodeKind.USER_INPUT, json)).head(id).build());
                revision = r.revision();
                head = id;
                return r;
            }
            case "bare" -> {
                String id = "b" + i;
                RuntimeCommitResult r = bare.commitRuntimeState(RuntimeCommit.expecting(revision)
                        .append(NewNode.child(id, head, NodeKind.USER_INPUT, payload(i))).head(id).build());
                revision = r.revision();
                head = id;
                return r;
            }
            case "langchain4j" -> {
                lc4jWindow.removeFirst();
                lc4jWindow.addLast(UserMessage.from("message number " + i));
                List<ChatMessage> w = new ArrayList<>(lc4jWindow);
                lc4j.updateMessages("bench", w);
                return w;
            }
            default -> {
                saiWindow.removeFirst();
                saiWindow.addLast(new org.springframework.ai.chat.messages.UserMessage("message number " + i));
                List<Message> w = new ArrayList<>(saiWindow);
                sai.saveAll("bench", w);
                return w;
            }
        }
    }
}
