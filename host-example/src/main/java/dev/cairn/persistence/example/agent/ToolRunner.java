package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one tool call within bounds: on a worker thread, for at most {@code timeout} (then the call
 * is interrupted and its result is an error), with a JSON result of at most {@code maxResultBytes}
 * (a larger one is an error result). A failing or slow tool never fails the turn: the model sees
 * the error.
 */
final class ToolRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ToolRunner.class);

    private final ExecutorService workers;
    private final Duration timeout;
    private final int maxResultBytes;

    ToolRunner(ExecutorService workers, Duration timeout, int maxResultBytes) {
        this.workers = workers;
        this.timeout = timeout;
        this.maxResultBytes = maxResultBytes;
    }

    /**
     * @param tool the tool
     * @param call the call
     * @param slice the tool's slice of the tool state, changed in place only if the call succeeds
     * @param clock the runtime's clock
     * @param turnId the turn
     * @return the result node's payload; {@code slice} holds the new state when it is ok
     */
    Payloads.ToolResult run(Tool tool, ToolCall call, ObjectNode slice, Clock clock, String turnId) {
        ObjectNode work = slice.deepCopy();
        Future<JsonNode> f = workers.submit(() -> tool.call(call.arguments(), work, clock));
        JsonNode output;
        try {
            output = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            LOG.warn("Tool {} ran longer than {} ms; interrupted", call.name(), timeout.toMillis());
            return error(turnId, call, "The tool took longer than " + timeout.toMillis() + " ms and was stopped");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ToolException t) {
                return error(turnId, call, t.getMessage());
            }
            LOG.warn("Tool {} failed", call.name(), cause);
            return error(turnId, call, "The tool failed (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while a tool ran", e);
        }
        int size = Payloads.encode(output == null ? Payloads.JSON.nullNode() : output).length;
        if (size > maxResultBytes) {
            return error(turnId, call, "The result is " + size + " bytes; a tool result may have at most "
                    + maxResultBytes);
        }
        slice.removeAll();
        slice.setAll(work);
        return new Payloads.ToolResult(turnId, call.id(), call.name(), true, output, null);
    }

    private static Payloads.ToolResult error(String turnId, ToolCall call, String message) {
        return new Payloads.ToolResult(turnId, call.id(), call.name(), false, null, message);
    }
}
