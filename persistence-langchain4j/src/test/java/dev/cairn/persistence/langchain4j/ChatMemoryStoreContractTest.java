package dev.cairn.persistence.langchain4j;

import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.SessionStoreFactory;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.memory.chat.TokenWindowChatMemory;
import dev.langchain4j.model.TokenCountEstimator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What LangChain4j's own stores are tested for (the community {@code SQLChatMemoryStoreIT} list and
 * its concurrency IT), in our words, plus the window memories that drive a store.
 */
class ChatMemoryStoreContractTest {
    @TempDir
    Path dir;
    private SessionStoreFactory factory;

    static Stream<String> kinds() {
        return Stores.kinds();
    }

    private CairnChatMemoryStore store(String kind) {
        factory = Stores.open(kind, dir);
        return CairnChatMemoryStore.of(factory);
    }

    @AfterEach
    void close() {
        if (factory != null) {
            factory.close();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anUnknownIdHasNoMessages(String kind) {
        assertEquals(List.of(), store(kind).getMessages("nobody"));
        assertEquals(List.of(), store(kind).history("nobody"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void storedMessagesAreRetrievedAndUpdatesReplaceTheWindow(String kind) {
        CairnChatMemoryStore s = store(kind);
        List<ChatMessage> first = List.of(SystemMessage.from("be kind"), UserMessage.from("hi"), AiMessage.from("hello"));
        s.updateMessages(1, first);
        assertEquals(first, s.getMessages(1));
        List<ChatMessage> second = List.of(SystemMessage.from("be kind"), UserMessage.from("hi"), AiMessage.from("hello"), UserMessage.from("more"));
        s.updateMessages(1, second);
        assertEquals(second, s.getMessages("1"), "memory ids are compared by toString, as LangChain4j's stores do");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void shouldReplaceMessagesOnUpdate(String kind) {
        CairnChatMemoryStore s = store(kind);
        s.updateMessages("r", List.of(UserMessage.from("one"), AiMessage.from("two")));
        s.updateMessages("r", List.of(UserMessage.from("Brand new message")));
        assertEquals(List.of(UserMessage.from("Brand new message")), s.getMessages("r"));
        assertEquals(3, s.history("r").size(), "the replaced conversation stays in the history");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void deleteEmptiesTheWindowAndKeepsTheHistoryUnlessErasing(String kind) {
        CairnChatMemoryStore s = store(kind);
        s.updateMessages("d", List.of(UserMessage.from("keep me")));
        s.deleteMessages("d");
        assertEquals(List.of(), s.getMessages("d"));
        assertEquals(List.of(UserMessage.from("keep me")), s.history("d"));
        s.deleteMessages("never-stored"); // harmless
        assertTrue(s.erase("d"));
        assertEquals(List.of(), s.history("d"));

        CairnChatMemoryStore erasing = CairnChatMemoryStore.builder().factory(factory).eraseOnClear().build();
        erasing.updateMessages("e", List.of(UserMessage.from("gdpr")));
        erasing.deleteMessages("e");
        assertTrue(factory.openExisting(erasing.sessionId("e")).isEmpty());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void idsAreIsolatedAndDeletingOneLeavesTheOthers(String kind) {
        CairnChatMemoryStore s = store(kind);
        s.updateMessages("a", List.of(UserMessage.from("for a")));
        s.updateMessages("b", List.of(UserMessage.from("for b")));
        s.erase("a");
        assertEquals(List.of(UserMessage.from("for b")), s.getMessages("b"));
        assertEquals(List.of("b"), s.memoryIds());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void largeContentSpecialCharactersAndUnicodeSurvive(String kind) {
        CairnChatMemoryStore s = store(kind);
        List<ChatMessage> m = List.of(UserMessage.from("x".repeat(1_000_000)), AiMessage.from("'; DROP TABLE nodes; -- \u0000? no: \u00e9\u4e2d\ud83d\udc22 \"q\" \\"));
        s.updateMessages("big", m);
        assertEquals(m, CairnChatMemoryStore.of(factory).getMessages("big"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aMessageWindowKeepsItsSystemMessageAndEvictsToolResultsWithTheirCall(String kind) {
        CairnChatMemoryStore s = store(kind);
        MessageWindowChatMemory memory = MessageWindowChatMemory.builder().id("w").maxMessages(4).chatMemoryStore(s).build();
        memory.add(SystemMessage.from("system"));
        memory.add(UserMessage.from("u1"));
        AiMessage call = AiMessage.from(List.of(dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("c1").name("t").arguments("{}").build()));
        memory.add(call);
        memory.add(ToolExecutionResultMessage.from("c1", "t", "42"));
        memory.add(AiMessage.from("the answer is 42"));
        memory.add(UserMessage.from("u2"));
        List<ChatMessage> window = s.getMessages("w");
        assertEquals(SystemMessage.from("system"), window.get(0));
        assertTrue(window.size() <= 4);
        assertEquals(List.of(SystemMessage.from("system"), UserMessage.from("u1"), call, ToolExecutionResultMessage.from("c1", "t", "42"),
                AiMessage.from("the answer is 42"), UserMessage.from("u2")), s.history("w"));

        memory.add(SystemMessage.from("a new system prompt"));
        assertEquals(SystemMessage.from("a new system prompt"), s.getMessages("w").get(s.getMessages("w").size() - 1));
        assertEquals(7, s.history("w").size(), "a changed system prompt is one new node, the window is not copied");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aTokenWindowDrivesTheStoreTheSameWay(String kind) {
        CairnChatMemoryStore s = store(kind);
        TokenCountEstimator words = new TokenCountEstimator() {
            @Override
            public int estimateTokenCountInText(String text) {
                return text.split(" ").length;
            }

            @Override
            public int estimateTokenCountInMessage(ChatMessage message) {
                return estimateTokenCountInText(message instanceof UserMessage u ? u.singleText() : ((AiMessage) message).text());
            }

            @Override
            public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
                int n = 0;
                for (ChatMessage m : messages) {
                    n += estimateTokenCountInMessage(m);
                }
                return n;
            }
        };
        TokenWindowChatMemory memory = TokenWindowChatMemory.builder().id("t").maxTokens(12, words).chatMemoryStore(s).build();
        List<ChatMessage> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ChatMessage m = i % 2 == 0 ? UserMessage.from("question number " + i) : AiMessage.from("answer " + i);
            all.add(m);
            memory.add(m);
        }
        assertTrue(words.estimateTokenCountInMessages(s.getMessages("t")) <= 12);
        assertEquals(all, s.history("t"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aRewriteInTheMiddleBranchesAndTheOldResultStaysInTheGraph(String kind) {
        CairnChatMemoryStore s = store(kind);
        MessageWindowChatMemory memory = MessageWindowChatMemory.builder().id("comp").maxMessages(10).chatMemoryStore(s).build();
        ToolExecutionResultMessage failed = ToolExecutionResultMessage.from("c1", "t", "boom");
        memory.add(UserMessage.from("do it"));
        memory.add(failed);
        memory.add(AiMessage.from("retrying"));
        List<ChatMessage> rewritten = new ArrayList<>(memory.messages());
        rewritten.set(1, ToolExecutionResultMessage.from("c1", "t", "compensated"));
        memory.set(rewritten); // what ToolService does after a compensated tool failure
        assertEquals(rewritten, s.getMessages("comp"));
        assertEquals(rewritten, s.history("comp"));
        assertEquals(5, factory.openExisting(s.sessionId("comp")).orElseThrow()
                .loadSession(dev.cairn.persistence.SessionReadScope.fullGraph()).orElseThrow().nodes().size(), "the failed result is kept on its branch");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void strictModeMakesAConcurrentUpdateVisible(String kind) {
        CairnChatMemoryStore strict = CairnChatMemoryStore.builder().factory(store(kind).factory()).strict().build();
        CairnChatMemoryStore other = CairnChatMemoryStore.of(factory);
        strict.updateMessages("s", List.of(UserMessage.from("a")));
        List<ChatMessage> seen = new ArrayList<>(strict.getMessages("s"));
        other.updateMessages("s", List.of(UserMessage.from("a"), UserMessage.from("b")));
        seen.add(UserMessage.from("c"));
        assertThrows(RevisionConflictException.class, () -> strict.updateMessages("s", seen));
        assertEquals(List.of(UserMessage.from("a"), UserMessage.from("b")), other.history("s"));
    }
}
