package dev.cairn.persistence.springai;

import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.util.MimeTypeUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Spring AI's own repositories are tested for ({@code InMemoryChatMemoryRepositoryTests},
 * {@code AbstractJdbcChatMemoryRepositoryIT}), in our words; unlike the JDBC repository, tool
 * messages are kept, not filtered.
 */
class RepositoryContractTest {
    @TempDir
    Path dir;
    private SessionStoreFactory factory;

    static Stream<String> kinds() {
        return Stores.kinds();
    }

    private CairnChatMemoryRepository repository(String kind) {
        factory = Stores.open(kind, dir);
        return CairnChatMemoryRepository.of(factory);
    }

    @AfterEach
    void close() {
        if (factory != null) {
            factory.close();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void findConversationIdsListsEverySavedConversationEvenAnEmptyOne(String kind) {
        CairnChatMemoryRepository r = repository(kind);
        r.saveAll("one", List.of(new UserMessage("hi")));
        r.saveAll("two", List.of());
        assertEquals(List.of("one", "two"), r.findConversationIds().stream().sorted().toList());
        assertEquals(List.of(), r.findByConversationId("two"));
        assertEquals(List.of(), r.findByConversationId("unknown"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aLaterSaveReplacesTheWindowInOrderAndKeepsTheHistory(String kind) {
        CairnChatMemoryRepository r = repository(kind);
        List<Message> first = List.of(new SystemMessage("sys"), new UserMessage("u1"), new AssistantMessage("a1"));
        r.saveAll("c", first);
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batch.add(i % 2 == 0 ? new UserMessage("u" + i) : new AssistantMessage("a" + i));
        }
        r.saveAll("c", batch);
        assertEquals(batch, r.findByConversationId("c"));
        assertEquals(303, r.history("c").size());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void toolCallsAndResponsesAreKeptExactly(String kind) {
        CairnChatMemoryRepository r = repository(kind);
        AssistantMessage call = AssistantMessage.builder().content("").toolCalls(List.of(
                new AssistantMessage.ToolCall("id-1", "function", "weather", "{\"city\":\"Paris\"}"),
                new AssistantMessage.ToolCall("id-2", "function", "time", "{}"))).build();
        ToolResponseMessage responses = ToolResponseMessage.builder().responses(List.of(
                new ToolResponseMessage.ToolResponse("id-1", "weather", "{\"c\":21}"),
                new ToolResponseMessage.ToolResponse("id-2", "time", "error: clock unavailable"))).build();
        List<Message> m = List.of(new UserMessage("weather?"), call, responses, new AssistantMessage("21 degrees"));
        r.saveAll("t", m);
        List<Message> back = CairnChatMemoryRepository.of(factory).findByConversationId("t");
        assertEquals(m, back);
        assertEquals(call.getToolCalls(), ((AssistantMessage) back.get(1)).getToolCalls());
        assertEquals(responses.getResponses(), ((ToolResponseMessage) back.get(2)).getResponses());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void messagesOfEveryTypeWithMediaAndMetadataRoundTrip(String kind) {
        CairnChatMemoryRepository r = repository(kind);
        Random random = new Random(7);
        for (int round = 0; round < 25; round++) {
            byte[] png = new byte[1 + random.nextInt(5000)];
            random.nextBytes(png);
            List<Message> m = new ArrayList<>();
            m.add(SystemMessage.builder().text("system " + round).metadata(Map.of("v", round)).build());
            m.add(UserMessage.builder().text("look 🐢 " + round)
                    .media(Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data(png).name("p" + round).build(),
                            Media.builder().mimeType(MimeTypeUtils.IMAGE_JPEG).data("https://example.com/" + round + ".jpg").build())
                    .metadata(Map.of("user", "alice", "n", random.nextInt(1000), "tags", List.of("a", "b"))).build());
            m.add(AssistantMessage.builder().content(random.nextBoolean() ? null : "maybe").properties(Map.of("finish", "tool_calls"))
                    .toolCalls(List.of(new AssistantMessage.ToolCall("c" + round, "function", "f", "{\"x\":" + round + "}"))).build());
            m.add(ToolResponseMessage.builder().responses(List.of(new ToolResponseMessage.ToolResponse("c" + round, "f", "ok " + round))).build());
            m.add(new AssistantMessage("done " + round));
            r.saveAll("rt" + round, m);
            List<Message> back = CairnChatMemoryRepository.of(factory).findByConversationId("rt" + round);
            assertEquals(m, back, "round " + round);
            UserMessage u = (UserMessage) back.get(1);
            assertArrayEquals(png, u.getMedia().get(0).getDataAsByteArray());
            assertEquals("p" + round, u.getMedia().get(0).getName());
            assertEquals("https://example.com/" + round + ".jpg", u.getMedia().get(1).getData());
            assertTrue(Arrays.equals(png, (byte[]) u.getMedia().get(0).getData()));
            long revision = revision(r, "rt" + round);
            r.saveAll("rt" + round, back);
            assertEquals(revision, revision(r, "rt" + round), "saving what was read writes nothing");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void deleteArchivesByDefaultAndErasesWhenAsked(String kind) {
        CairnChatMemoryRepository r = repository(kind);
        r.saveAll("d", List.of(new UserMessage("keep")));
        r.deleteByConversationId("d");
        assertEquals(List.of(), r.findByConversationId("d"));
        assertEquals(List.of(new UserMessage("keep")), r.history("d"));
        CairnChatMemoryRepository erasing = CairnChatMemoryRepository.builder().factory(factory).eraseOnClear().build();
        erasing.deleteByConversationId("d");
        assertEquals(List.of(), r.history("d"));
        assertTrue(r.findConversationIds().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void badArgumentsAreRefusedAsSpringAiDoes(String kind) {
        CairnChatMemoryRepository r = repository(kind);
        assertThrows(IllegalArgumentException.class, () -> r.findByConversationId(null));
        assertThrows(IllegalArgumentException.class, () -> r.findByConversationId(" "));
        assertThrows(IllegalArgumentException.class, () -> r.saveAll("x", null));
        List<Message> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(IllegalArgumentException.class, () -> r.saveAll("x", withNull));
        assertThrows(IllegalArgumentException.class, () -> r.deleteByConversationId(""));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theWindowMemoryEvictsWholeTurnsAndTheHistoryKeepsThem(String kind) {
        CairnChatMemoryRepository r = repository(kind);
        MessageWindowChatMemory memory = MessageWindowChatMemory.builder().chatMemoryRepository(r).maxMessages(4).build();
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Message u = new UserMessage("q" + i);
            Message a = new AssistantMessage("a" + i);
            memory.add("w", List.of(u, a));
            all.add(u);
            all.add(a);
        }
        assertTrue(r.findByConversationId("w").size() <= 4);
        assertEquals(all, r.history("w"));
    }

    private long revision(CairnChatMemoryRepository r, String id) {
        return factory.openExisting(r.sessionId(id)).orElseThrow().loadSession(SessionReadScope.activePathTail(1)).orElseThrow().head().revision();
    }
}
