package dev.cairn.persistence.langchain4j;

import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.UsageLedger;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter under LangChain4j's own AI services, with a scripted model and a real tool. */
class AiServicesTest {
    @TempDir
    Path dir;

    interface Assistant {
        String chat(@MemoryId String memoryId, @dev.langchain4j.service.UserMessage String message);
    }

    static final class Calculator {
        @Tool("adds two numbers")
        int add(int a, int b) {
            return a + b;
        }
    }

    static Stream<String> kinds() {
        return Stores.kinds();
    }

    private static Assistant assistant(ScriptedModel model, CairnChatMemoryStore store) {
        return AiServices.builder(Assistant.class)
                .chatModel(model)
                .tools(new Calculator())
                .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(10).chatMemoryStore(store).build())
                .registerListener(store.usageListener())
                .build();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void thirtyTurnsThroughAWindowOfTenKeepEveryTurnAndTheLedgerEqualsWhatTheModelReported(String kind) {
        ScriptedModel model = new ScriptedModel("echo: ");
        try (CairnChatMemoryStore store = CairnChatMemoryStore.open(Stores.location(kind, dir))) {
            Assistant a = assistant(model, store);
            for (int i = 0; i < 30; i++) {
                String answer = a.chat("user-1", i % 3 == 0 ? "add " + i + " 1" : "hello " + i);
                assertEquals(i % 3 == 0 ? "the sum is " + (i + 1) : "echo: hello " + i, answer);
            }
            assertTrue(store.getMessages("user-1").size() <= 10, "the window is what the memory keeps");
            List<ChatMessage> history = store.history("user-1");
            List<String> users = history.stream().filter(m -> m instanceof UserMessage).map(m -> ((UserMessage) m).singleText()).toList();
            assertEquals(30, users.size(), "every turn's user message is in the history: " + users);
            long toolCalls = history.stream().filter(m -> m instanceof AiMessage ai && ai.hasToolExecutionRequests()).count();
            long toolResults = history.stream().filter(m -> m instanceof ToolExecutionResultMessage).count();
            assertEquals(10, toolCalls);
            assertEquals(10, toolResults);
            assertEquals(30 + 10 + 10 + 30, history.size(), "30 user messages, 10 tool calls, 10 results, 30 answers");

            PersistedSessionRead read = store.factory().openExisting(store.sessionId("user-1")).orElseThrow()
                    .loadSession(SessionReadScope.activePath()).orElseThrow();
            UsageLedger ledger = read.usage();
            assertEquals(model.input.get(), ledger.total().inputTokens());
            assertEquals(model.output.get(), ledger.total().outputTokens());
            assertEquals(model.input.get(), ledger.byModel().get(ScriptedModel.NAME).inputTokens());
            assertEquals(40, ledger.turns().size(), "one usage record per model call, each on its response's node");
            assertEquals(0, store.windows().pendingUsage("user-1"));
            assertTrue(read.nodes().stream().anyMatch(n -> n.kind().equals(NodeKind.TOOL_CALL)));
        }
    }

    @Test
    void aRestartOnSqliteResumesTheSameWindow() {
        ScriptedModel model = new ScriptedModel("echo: ");
        String location = Stores.location("sqlite", dir);
        List<ChatMessage> before;
        try (CairnChatMemoryStore store = CairnChatMemoryStore.open(location)) {
            Assistant a = assistant(model, store);
            for (int i = 0; i < 12; i++) {
                a.chat("resume", "turn " + i);
            }
            before = store.getMessages("resume");
        }
        try (CairnChatMemoryStore store = CairnChatMemoryStore.open(location)) {
            assertEquals(before, store.getMessages("resume"));
            assertEquals("echo: turn 12", assistant(model, store).chat("resume", "turn 12"));
            assertEquals(26, store.history("resume").size());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aForkAnswersDifferentlyFromTheForkPointWhileTheOriginalIsUnchanged(String kind) {
        try (SessionStoreFactory factory = Stores.open(kind, dir)) {
            CairnChatMemoryStore store = CairnChatMemoryStore.of(factory);
            Assistant a = assistant(new ScriptedModel("echo: "), store);
            for (int i = 0; i < 4; i++) {
                a.chat("main", "turn " + i);
            }
            List<ChatMessage> original = store.history("main");
            store.fork("main", 3, "alt"); // after "echo: turn 1"
            assertEquals(original.subList(0, 4), store.getMessages("alt"));

            Assistant b = assistant(new ScriptedModel("other: "), store);
            assertEquals("other: turn 2b", b.chat("alt", "turn 2b"));
            assertEquals(original, store.history("main"));
            List<ChatMessage> fork = store.history("alt");
            assertEquals(6, fork.size());
            assertEquals(original.subList(0, 4), fork.subList(0, 4));
            assertEquals(AiMessage.from("other: turn 2b"), fork.get(5));
            assertTrue(store.memoryIds().containsAll(List.of("main", "alt")));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void twoThreadsOnOneConversationLoseNothing(String kind) throws Exception {
        try (CairnChatMemoryStore store = CairnChatMemoryStore.open(Stores.location(kind, dir))) {
            int perThread = 40;
            Thread[] threads = new Thread[2];
            for (int t = 0; t < threads.length; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    MessageWindowChatMemory memory = MessageWindowChatMemory.builder().id("shared").maxMessages(10)
                            .chatMemoryStore(store).build();
                    for (int i = 0; i < perThread; i++) {
                        memory.add(UserMessage.from("t" + id + " #" + i));
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            List<String> texts = store.history("shared").stream().map(m -> ((UserMessage) m).singleText()).toList();
            for (int t = 0; t < threads.length; t++) {
                for (int i = 0; i < perThread; i++) {
                    assertTrue(texts.contains("t" + t + " #" + i), "lost t" + t + " #" + i + " from " + texts);
                }
            }
        }
    }

    @Test
    void theFactoryOwnedByTheCallerStaysOpen() {
        SessionStoreFactory factory = SessionStores.open("memory:");
        CairnChatMemoryStore.of(factory).close();
        factory.listSessions(dev.cairn.persistence.SessionQuery.all());
        factory.close();
    }
}
