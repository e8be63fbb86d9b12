package dev.cairn.persistence.example.http;

import dev.cairn.persistence.example.agent.TranscriptNode;
import dev.cairn.persistence.example.agent.TurnListener;
import dev.cairn.persistence.example.agent.TurnResult;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a turn without letting the client's reading speed into the turn: the turn runs on a
 * worker (holding the chat's lock only as long as the turn itself takes) and hands each node to a
 * queue; the request's thread writes the queue to the client. A client that stops reading blocks
 * only its own writes (until the idle timeout cuts it off); a client that goes away ends the
 * writing, and the turn still completes and is recorded. The queue holds at most one turn's nodes,
 * which the runtime bounds.
 */
final class TurnStream {
    private static final Logger LOG = LoggerFactory.getLogger(TurnStream.class);

    /** What the writer sends: a node, the end, or a failure. */
    private sealed interface Item permits NodeItem, Done, Failed {
    }

    private record NodeItem(TranscriptNode node) implements Item {
    }

    private record Done(TurnResult result) implements Item {
    }

    private record Failed(RuntimeException error) implements Item {
    }

    private TurnStream() {
    }

    /**
     * @param sse the open event stream
     * @param workers where the turn runs (a {@link TurnWorkers.Slot} in the service)
     * @param turn runs the turn with the given listener
     * @param chatId for logs
     */
    static void run(SseStream sse, Executor workers, Function<TurnListener, TurnResult> turn, String chatId) {
        BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
        workers.execute(() -> {
            try {
                queue.add(new Done(turn.apply(node -> queue.add(new NodeItem(node)))));
            } catch (RuntimeException e) {
                queue.add(new Failed(e));
            }
        });
        try {
            while (true) {
                Item item = queue.take();
                if (item instanceof NodeItem n) {
                    sse.event("node", Views.Node.of(n.node()));
                } else if (item instanceof Done d) {
                    sse.event("done", Views.Turn.of(d.result()));
                    return;
                } else if (item instanceof Failed f) {
                    sse.event("error", Errors.map(f.error(), "POST messages (stream)").body());
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("Chat {}: the stream's client went away or stopped reading; the turn goes on", chatId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
