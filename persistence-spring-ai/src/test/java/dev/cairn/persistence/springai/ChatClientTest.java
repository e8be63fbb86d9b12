package dev.cairn.persistence.springai;

import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.UsageLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.client.advisor.ToolCallAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.tool.annotation.Tool;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repository under Spring AI's own ChatClient, memory advisor and tool-calling advisor. */
class ChatClientTest {
    @TempDir
    Path dir;

    static Stream<String> kinds() {
        return Stores.kinds();
    }

    static final class Calculator {
        @Tool(description = "adds two numbers")
        int add(int a, int b) {
            return a + b;
        }
    }

    /** Tool messages reach memory when the memory advisor runs inside the tool loop (Spring AI's docs). */
    private static ChatClient client(ScriptedChatModel model, CairnChatMemoryRepository repository) {
        ChatMemory memory = MessageWindowChatMemory.builder().chatMemoryRepository(repository).maxMessages(10).build();
        return ChatClient.builder(model)
                .defaultAdvisors(ToolCallAdvisor.builder().disableInternalConversationHistory().build(),
                        MessageChatMemoryAdvisor.builder(memory).order(ToolCallAdvisor.DEFAULT_ORDER + 1).build(),
                        repository.usageAdvisor(ToolCallAdvisor.DEFAULT_ORDER + 2))
                .defaultTools(new Calculator())
                .build();
    }

    private static String ask(ChatClient client, String conversation, String text) {
        return client.prompt().user(text).advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversation)).call().content();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void thirtyTurnsThroughAWindowOfTenKeepEveryTurnWithToolCallsAndTheLedger(String kind) {
        ScriptedChatModel model = new ScriptedChatModel("echo: ");
        try (CairnChatMemoryRepository repository = CairnChatMemoryRepository.open(Stores.location(kind, dir))) {
            ChatClient client = client(model, repository);
            for (int i = 0; i < 30; i++) {
                String answer = ask(client, "c1", i % 3 == 0 ? "add " + i + " 1" : "hello " + i);
                assertEquals(i % 3 == 0 ? "the sum is " + (i + 1) : "echo: hello " + i, answer);
            }
            assertTrue(repository.findByConversationId("c1").size() <= 10);
            List<Message> history = repository.history("c1");
            assertEquals(30, history.stream().filter(m -> m instanceof UserMessage).count(), "every user turn: " + history);
            List<AssistantMessage> calls = history.stream().filter(m -> m instanceof AssistantMessage a && a.hasToolCalls())
                    .map(m -> (AssistantMessage) m).toList();
            assertEquals(10, calls.size());
            assertEquals("add", calls.get(0).getToolCalls().get(0).name());
            assertEquals("{\"arg0\":0,\"arg1\":1}", calls.get(0).getToolCalls().get(0).arguments());
            List<ToolResponseMessage> results = history.stream().filter(m -> m instanceof ToolResponseMessage)
                    .map(m -> (ToolResponseMessage) m).toList();
            assertEquals(10, results.size());
            assertEquals(calls.get(3).getToolCalls().get(0).id(), results.get(3).getResponses().get(0).id());

            PersistedSessionRead read = repository.factory().openExisting(repository.sessionId("c1")).orElseThrow()
                    .loadSession(SessionReadScope.activePath()).orElseThrow();
            UsageLedger ledger = read.usage();
            assertEquals(model.input.get(), ledger.total().inputTokens());
            assertEquals(model.output.get(), ledger.total().outputTokens());
            assertEquals(model.calls.get(), ledger.turns().size(), "one usage record per model call");
            assertEquals(model.input.get(), ledger.byModel().get(ScriptedChatModel.NAME).inputTokens());
        }
    }

    /** The wiring of the README, as it stands: no tools, the advisors at their default orders. */
    @ParameterizedTest
    @MethodSource("kinds")
    void theReadmeWiringKeepsTheHistoryAndRecordsUsage(String kind) {
        ScriptedChatModel model = new ScriptedChatModel("echo: ");
        try (CairnChatMemoryRepository repository = CairnChatMemoryRepository.open(Stores.location(kind, dir))) {
            ChatMemory memory = MessageWindowChatMemory.builder().chatMemoryRepository(repository).build();
            ChatClient client = ChatClient.builder(model)
                    .defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build(), repository.usageAdvisor())
                    .build();
            for (int i = 0; i < 15; i++) {
                assertEquals("echo: q" + i, ask(client, "readme", "q" + i));
            }
            assertEquals(30, repository.history("readme").size());
            assertTrue(repository.findByConversationId("readme").size() <= 20);
            UsageLedger ledger = repository.factory().openExisting(repository.sessionId("readme")).orElseThrow()
                    .loadSession(SessionReadScope.activePath()).orElseThrow().usage();
            assertEquals(model.input.get(), ledger.total().inputTokens());
            assertEquals(15, ledger.turns().size());
        }
    }

    @Test
    void aRestartOnSqliteResumesTheSameWindow() {
        String location = Stores.location("sqlite", dir);
        List<Message> before;
        try (CairnChatMemoryRepository repository = CairnChatMemoryRepository.open(location)) {
            ChatClient client = client(new ScriptedChatModel("echo: "), repository);
            for (int i = 0; i < 8; i++) {
                ask(client, "r", "turn " + i);
            }
            before = repository.findByConversationId("r");
        }
        try (CairnChatMemoryRepository repository = CairnChatMemoryRepository.open(location)) {
            assertEquals(before, repository.findByConversationId("r"));
            assertEquals("echo: turn 8", ask(client(new ScriptedChatModel("echo: "), repository), "r", "turn 8"));
            assertEquals(18, repository.history("r").size());
            assertEquals(List.of("r"), repository.findConversationIds());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aForkAnswersDifferentlyWhileTheOriginalIsUnchanged(String kind) {
        try (SessionStoreFactory factory = Stores.open(kind, dir)) {
            CairnChatMemoryRepository repository = CairnChatMemoryRepository.of(factory);
            ChatClient a = client(new ScriptedChatModel("echo: "), repository);
            for (int i = 0; i < 3; i++) {
                ask(a, "main", "turn " + i);
            }
            List<Message> original = repository.history("main");
            repository.fork("main", 1, "alt");
            assertEquals(original.subList(0, 2), repository.findByConversationId("alt"));
            assertEquals("other: turn 1b", ask(client(new ScriptedChatModel("other: "), repository), "alt", "turn 1b"));
            assertEquals(original, repository.history("main"));
            List<Message> fork = repository.history("alt");
            assertEquals(original.subList(0, 2), fork.subList(0, 2));
            assertEquals("other: turn 1b", fork.get(3).getText());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void twoThreadsOnOneConversationLoseNothing(String kind) throws Exception {
        try (CairnChatMemoryRepository repository = CairnChatMemoryRepository.open(Stores.location(kind, dir))) {
            ChatMemory memory = MessageWindowChatMemory.builder().chatMemoryRepository(repository).maxMessages(10).build();
            Thread[] threads = new Thread[2];
            for (int t = 0; t < threads.length; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 40; i++) {
                        memory.add("shared", new UserMessage("t" + id + " #" + i));
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            List<String> texts = repository.history("shared").stream().map(Message::getText).toList();
            for (int t = 0; t < threads.length; t++) {
                for (int i = 0; i < 40; i++) {
                    assertTrue(texts.contains("t" + t + " #" + i), "lost t" + t + " #" + i + " from " + texts);
                }
            }
        }
    }
}
