package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.example.agent.AgentCore;
import dev.cairn.persistence.example.agent.TurnResult;
import dev.cairn.persistence.example.agent.model.BuiltinModel;
import dev.cairn.persistence.example.agent.tools.BuiltinTools;
import dev.cairn.persistence.example.product.ChatDatabase;
import dev.cairn.persistence.example.product.ChatService;
import dev.cairn.persistence.example.product.SqlChatDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An SSE client that stops reading blocks only its own writes: the turn finishes and releases the
 * chat, so the chat's next turn runs at once. The client here is an output stream that blocks
 * until the test ends, as a socket does when the peer stops reading and the buffers are full.
 */
class SlowStreamReaderTest {
    @Test
    void aStalledStreamDoesNotHoldTheChat() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        OutputStream stalled = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("the client went away");
            }
        };
        ExecutorService workers = Executors.newCachedThreadPool();
        try (AgentCore core = AgentCore.builder().model(new BuiltinModel()).tools(BuiltinTools.all()).build();
             SqlChatDirectory dir = SqlChatDirectory.open(ChatDatabase.sqliteInMemory())) {
            ChatService chats = new ChatService(core, dir, Clock.systemUTC());
            String chat = chats.create("slow", "sam").chat().chatId();
            Thread writer = new Thread(() -> TurnStream.run(new SseStream(stalled, Bodies.STRICT), workers,
                    l -> chats.send(chat, "note first", Optional.empty(), l), chat));
            writer.start();
            assertTrue(blocked.await(60, TimeUnit.SECONDS), "the stream's first write blocks");

            // the stalled stream's turn completes on its own; the next turn of the chat is not kept waiting
            TurnResult second = workers.submit(() -> chats.send(chat, "note second", Optional.empty(), n -> { }))
                    .get(60, TimeUnit.SECONDS);
            assertEquals("Noted as #2. Your notes: #1 first; #2 second.", second.reply());
            release.countDown();
            writer.join(60_000);
        } finally {
            release.countDown();
            workers.shutdownNow();
        }
    }
}
