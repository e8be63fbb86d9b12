package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.TokenUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one turn: the user's input, then model calls and tool calls until the model answers. Each
 * step is one commit that expects the revision it was built on, carries an idempotency key
 * ({@code <turnId>-s<step>}) and moves the head to its last node:
 *
 * <ol>
 *   <li>{@code user_input}</li>
 *   <li>per model call: {@code assistant_response}, the {@code prompt} checkpoint slot and the call's
 *   token usage under the model's name</li>
 *   <li>per tool call: {@code tool_call}, then {@code tool_result} under it, and the
 *   {@code tool_state} checkpoint slot after the call</li>
 * </ol>
 */
final class TurnRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TurnRunner.class);
    static final String TOOL_STATE = "tool_state";
    static final String PROMPT = "prompt";

    private final AgentCore core;
    private final RuntimePersistence store;
    private final TurnListener listener;
    private final StepCommitter committer;
    private final List<TranscriptNode> recorded = new ArrayList<>();
    private boolean listening = true;
    private TokenUsage usage = TokenUsage.ZERO;
    private long revision;

    TurnRunner(AgentCore core, RuntimePersistence store, TurnListener listener) {
        this.core = core;
        this.store = store;
        this.listener = listener;
        this.committer = new StepCommitter(store, core.maxCommitRetries());
    }

    TurnResult run(String text) {
        String turnId = "t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        byte[] input = Payloads.encode(new Payloads.UserInput(turnId, text));
        String userNode = turnId + "-u";
        StepBase base = commit(committer.reload(), b -> RuntimeCommit.expecting(b.revision())
                .append(NewNode.of(userNode, b.head(), NodeKind.USER_INPUT, input))
                .head(userNode)
                .idempotencyKey(turnId + "-s0")
                .build(), userNode);
        String system = core.systemPrompt();
        for (int step = 1; step <= core.maxSteps(); step++) {
            AssembledContext context = core.assembler().assemble(store, Tokens.count(system), turnId);
            ModelReply reply;
            try {
                reply = core.model().complete(new ModelRequest(system, context.messages(), core.toolSpecs()));
            } catch (ModelException e) {
                recordError(turnId, e.getMessage());
                throw e;
            }
            String node = turnId + "-a" + step;
            byte[] payload = Payloads.encode(new Payloads.AssistantResponse(turnId, step, reply.text(),
                    reply.toolCalls(), reply.model()));
            byte[] prompt = promptSnapshot(system, context);
            String key = turnId + "-s" + step;
            base = commit(context.base(), b -> RuntimeCommit.expecting(b.revision())
                    .append(NewNode.of(node, b.head(), NodeKind.ASSISTANT_RESPONSE, payload))
                    .head(node)
                    .checkpoint(PROMPT, prompt)
                    .usage(node, reply.model(), reply.usage())
                    .idempotencyKey(key)
                    .build(), node);
            usage = usage.plus(reply.usage());
            if (reply.isFinal()) {
                return result(turnId, reply.text());
            }
            int i = 0;
            for (ToolCall call : reply.toolCalls()) {
                i++;
                String callNode = turnId + "-c" + step + "." + i;
                String resultNode = turnId + "-r" + step + "." + i;
                String toolKey = key + "." + i;
                base = commit(base, b -> toolStep(b, turnId, call, callNode, resultNode, toolKey), callNode, resultNode);
            }
        }
        String stopped = "I stopped after " + core.maxSteps() + " model calls without a final answer.";
        String node = turnId + "-a" + (core.maxSteps() + 1);
        byte[] payload = Payloads.encode(new Payloads.AssistantResponse(turnId, core.maxSteps() + 1, stopped,
                List.of(), "runtime"));
        commit(base, b -> RuntimeCommit.expecting(b.revision())
                .append(NewNode.of(node, b.head(), NodeKind.ASSISTANT_RESPONSE, payload))
                .head(node)
                .idempotencyKey(turnId + "-stop")
                .build(), node);
        return result(turnId, stopped);
    }

    private TurnResult result(String turnId, String reply) {
        return new TurnResult(store.sessionId(), turnId, reply, recorded, usage, revision, committer.conflictRetries());
    }

    private RuntimeCommit toolStep(StepBase b, String turnId, ToolCall call, String callNode, String resultNode,
                                   String key) {
        ObjectNode state = loadToolState(b);
        Payloads.ToolResult result = runTool(turnId, call, state);
        return RuntimeCommit.expecting(b.revision())
                .append(NewNode.of(callNode, b.head(), NodeKind.TOOL_CALL,
                        Payloads.encode(new Payloads.ToolCallMade(turnId, call.id(), call.name(), call.arguments()))))
                .append(NewNode.child(resultNode, callNode, NodeKind.TOOL_RESULT, Payloads.encode(result)))
                .head(resultNode)
                .checkpoint(TOOL_STATE, Payloads.encode(state))
                .idempotencyKey(key)
                .build();
    }

    private Payloads.ToolResult runTool(String turnId, ToolCall call, ObjectNode state) {
        Tool tool = core.tool(call.name()).orElse(null);
        if (tool == null) {
            return new Payloads.ToolResult(turnId, call.id(), call.name(), false, null,
                    "Unknown tool '" + call.name() + "'; available: " + core.toolNames());
        }
        ObjectNode slice = state.has(call.name()) && state.get(call.name()).isObject()
                ? (ObjectNode) state.get(call.name()).deepCopy() : Payloads.JSON.createObjectNode();
        try {
            JsonNode output = tool.call(call.arguments(), slice, core.clock());
            if (!slice.isEmpty()) {
                state.set(call.name(), slice);
            }
            return new Payloads.ToolResult(turnId, call.id(), call.name(), true, output, null);
        } catch (ToolException e) {
            return new Payloads.ToolResult(turnId, call.id(), call.name(), false, null, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Tool {} failed", call.name(), e);
            return new Payloads.ToolResult(turnId, call.id(), call.name(), false, null,
                    "The tool failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ObjectNode loadToolState(StepBase b) {
        Optional<CheckpointSlot> slot = b.checkpoint().slot(TOOL_STATE);
        if (slot.isEmpty()) {
            return Payloads.JSON.createObjectNode();
        }
        byte[] bytes = store.loadBlob(slot.get().blob().hash()).orElseThrow(() -> new StoreCorruptedException(
                "Checkpoint slot tool_state of session '" + store.sessionId() + "' names a missing blob"));
        try {
            JsonNode tree = Payloads.JSON.readTree(bytes);
            return tree.isObject() ? (ObjectNode) tree : Payloads.JSON.createObjectNode();
        } catch (IOException e) {
            throw new StoreCorruptedException("Checkpoint slot tool_state of session '" + store.sessionId()
                    + "' is not JSON", e);
        }
    }

    private byte[] promptSnapshot(String system, AssembledContext context) {
        ObjectNode p = Payloads.JSON.createObjectNode();
        p.put("system", system);
        p.put("model", core.model().name());
        p.set("tools", Payloads.JSON.valueToTree(core.toolNames()));
        p.put("contextMessages", context.messages().size());
        p.put("contextTokens", context.tokens());
        p.put("nodesRead", context.nodesRead());
        return Payloads.encode(p);
    }

    private void recordError(String turnId, String message) {
        String node = turnId + "-e";
        byte[] payload = Payloads.encode(new Payloads.TurnError(turnId, message));
        try {
            commit(committer.reload(), b -> RuntimeCommit.expecting(b.revision())
                    .append(NewNode.of(node, b.head(), NodeKind.ERROR, payload))
                    .head(node)
                    .idempotencyKey(turnId + "-err")
                    .build(), node);
        } catch (RuntimeException e) {
            LOG.warn("Session {}: could not record the error of turn {}", store.sessionId(), turnId, e);
        }
    }

    private StepBase commit(StepBase base, Function<StepBase, RuntimeCommit> step, String... nodeIds) {
        RuntimeCommitResult r = committer.commit(base, step);
        revision = r.revision();
        for (String id : nodeIds) {
            store.loadNode(id).map(TranscriptNode::of).ifPresent(this::emit);
        }
        return new StepBase(r.revision(), r.head(), r.checkpoint());
    }

    private void emit(TranscriptNode node) {
        recorded.add(node);
        if (!listening) {
            return;
        }
        try {
            listener.onNode(node);
        } catch (RuntimeException e) {
            listening = false;
            LOG.debug("Session {}: the turn listener failed ({}); the turn goes on without it", store.sessionId(),
                    e.toString());
        }
    }
}
