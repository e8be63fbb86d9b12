package dev.cairn.persistence.langchain4j;

import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.audio.Audio;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.pdf.PdfFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property: every LangChain4j message type, stored and read back through a fresh store (so decoded
 * from the database, not a cache), equals what was stored; inline media lives in blobs, not payloads.
 */
class RoundTripTest {
    @TempDir
    Path dir;

    static Stream<String> kinds() {
        return Stores.kinds();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void everyMessageTypeRoundTripsExactly(String kind) {
        Random r = new Random(20261202);
        try (SessionStoreFactory factory = Stores.open(kind, dir)) {
            for (int round = 0; round < 40; round++) {
                List<ChatMessage> messages = new ArrayList<>();
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    messages.add(random(r, round * 100 + i));
                }
                String id = "rt-" + round;
                CairnChatMemoryStore.of(factory).updateMessages(id, messages);
                CairnChatMemoryStore fresh = CairnChatMemoryStore.of(factory);
                assertEquals(messages, fresh.getMessages(id), "round " + round);
                assertEquals(messages, fresh.history(id), "round " + round);
                // a fixed point: storing what was read changes nothing
                long revision = revision(fresh, id);
                fresh.updateMessages(id, fresh.getMessages(id));
                assertEquals(revision, revision(fresh, id), "re-storing the same window writes nothing");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void inlineMediaIsStoredAsBlobsOnceAndNotInThePayload(String kind) {
        byte[] png = new byte[50_000];
        new Random(1).nextBytes(png);
        String b64 = Base64.getEncoder().encodeToString(png);
        try (SessionStoreFactory factory = Stores.open(kind, dir)) {
            CairnChatMemoryStore store = CairnChatMemoryStore.of(factory);
            UserMessage withImage = UserMessage.from(TextContent.from("what is this?"), ImageContent.from(b64, "image/png"));
            store.updateMessages("m", List.of(withImage));
            store.updateMessages("m", List.of(withImage, AiMessage.from("a cat"), UserMessage.from(ImageContent.from(b64, "image/png"))));
            PersistedSessionRead read = factory.openExisting(store.sessionId("m")).orElseThrow()
                    .loadSession(SessionReadScope.activePath()).orElseThrow();
            SessionNode first = read.nodes().get(0);
            assertTrue(first.payload().length < 1_000, "the payload holds a reference, not 66 KB of base64");
            assertFalse(new String(first.payload(), StandardCharsets.UTF_8).contains(b64.substring(0, 100)));
            assertEquals(1, first.attachments().size());
            assertEquals(first.attachments().get(0).hash(), read.nodes().get(2).attachments().get(0).hash(), "same image, one blob");
            assertArrayEquals(png, factory.openExisting(store.sessionId("m")).orElseThrow()
                    .loadBlob(first.attachments().get(0).hash()).orElseThrow());
            assertEquals(withImage, CairnChatMemoryStore.of(factory).getMessages("m").get(0));
        }
    }

    private static long revision(CairnChatMemoryStore store, String id) {
        return store.factory().openExisting(store.sessionId(id)).orElseThrow()
                .loadSession(SessionReadScope.activePathTail(1)).orElseThrow().head().revision();
    }

    static ChatMessage random(Random r, int salt) {
        String text = text(r, salt);
        return switch (r.nextInt(6)) {
            case 0 -> SystemMessage.from("system " + text);
            case 1 -> userWithParts(r, text);
            case 2 -> AiMessage.builder().text(r.nextBoolean() ? null : text).thinking(r.nextBoolean() ? "thinking " + salt : null)
                    .toolExecutionRequests(List.of(ToolExecutionRequest.builder().id("call-" + salt).name("tool_" + r.nextInt(3))
                            .arguments("{\"q\":\"" + salt + "\",\"n\":" + r.nextInt(100) + "}").build()))
                    .attributes(attributes(r)).build();
            case 3 -> AiMessage.from(text);
            case 4 -> ToolExecutionResultMessage.builder().id("call-" + salt).toolName("tool").text(r.nextBoolean() ? text : "error: " + text)
                    .isError(r.nextBoolean()).build();
            default -> CustomMessage.from(attributes(r));
        };
    }

    private static UserMessage userWithParts(Random r, String text) {
        List<Content> parts = new ArrayList<>();
        parts.add(TextContent.from(text));
        byte[] bytes = new byte[1 + r.nextInt(3000)];
        r.nextBytes(bytes);
        String b64 = Base64.getEncoder().encodeToString(bytes);
        parts.add(ImageContent.from(Image.builder().base64Data(b64).mimeType("image/png").build(), ImageContent.DetailLevel.HIGH));
        if (r.nextBoolean()) {
            parts.add(ImageContent.from("https://example.com/cat-" + r.nextInt(9) + ".jpg"));
        }
        if (r.nextBoolean()) {
            parts.add(PdfFileContent.from(PdfFile.builder().base64Data(b64).mimeType("application/pdf").build()));
        }
        if (r.nextBoolean()) {
            parts.add(AudioContent.from(Audio.builder().base64Data(b64).mimeType("audio/wav").build()));
        }
        parts.add(TextContent.from("second part " + text));
        return r.nextBoolean() ? UserMessage.from(parts) : UserMessage.builder().name("alice").contents(parts).build();
    }

    private static Map<String, Object> attributes(Random r) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("k", "v" + r.nextInt(10));
        a.put("n", r.nextInt(1000));
        a.put("flag", r.nextBoolean());
        a.put("list", List.of("a", "b"));
        return a;
    }

    private static String text(Random r, int salt) {
        String[] pieces = {"hello", "héllo wörld", "日本語", "emoji 🐢", "quote \" and \\ backslash", "  spaced  ", "line\nbreak", "tab\t", ""};
        return pieces[r.nextInt(pieces.length)] + " #" + salt;
    }
}
