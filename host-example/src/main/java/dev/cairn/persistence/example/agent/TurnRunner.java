package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.TokenUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 *
 * <p>A turn that fails after its user input was committed ends with an {@code error} node that
 * answers every open tool call. A turn whose id comes from an idempotency key and is already stored
 * is replayed ({@link TurnReplay}), not run again.
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
    private final List<ToolCall> open = new ArrayList<>();
    private boolean listening = true;
    private TokenUsage usage = TokenUsage.ZERO;
    private long revision;

    TurnRunner(AgentCore core, RuntimePersistence store, TurnListener listener) {
        this.core = core;
        this.store = store;
        this.listener = listener;
        this.committer = new StepCommitter(store, core.maxCommitRetries());
    }

    /**
     * @param text what the user said
     * @param turnId the turn's id: random, or derived from the caller's idempotency key
     * @param keyed true if {@code turnId} comes from an idempotency key: a turn of that id that is
     *     already stored is replayed instead of run
     */
    TurnResult run(String text, String turnId, boolean keyed) {
        String userNode = turnId + "-u";
        if (keyed) {
            Optional<SessionNode> first = store.loadNode(userNode);
            if (first.isPresent()) {
                return TurnReplay.replay(store, turnId, text, first.get(), this::emit, committer.conflictRetries());
            }
        }
        byte[] input = Payloads.encode(new Payloads.UserInput(turnId, text));
        StepBase base;
        try {
            base = commit(committer.reload(), b -> RuntimeCommit.expecting(b.revision())
                    .append(NewNode.of(userNode, b.head(), NodeKind.USER_INPUT, input))
                    .head(userNode)
                    .idempotencyKey(turnId + "-s0")
                    .build(), userNode);
        } catch (IdempotencyConflictException e) {
            // another instance started the turn of this key between the look above and this commit
            SessionNode first = store.loadNode(userNode).orElseThrow(() -> e);
            return TurnReplay.replay(store, turnId, text, first, this::emit, committer.conflictRetries());
        }
        try {
            return steps(turnId, base);
        } catch (RuntimeException e) {
            throw fail(turnId, e);
        }
    }

    private TurnResult steps(String turnId, StepBase start) {
        StepBase base = start;
        String system = core.systemPrompt();
        int toolCalls = 0;
        for (int step = 1; step <= core.maxSteps(); step++) {
            AssembledContext context = core.assembler().assemble(store, Tokens.count(system), turnId);
            ModelReply reply = core.model().complete(new ModelRequest(system, context.messages(), core.toolSpecs()));
            toolCalls += reply.toolCalls().size();
            if (toolCalls > core.maxToolCalls()) {
                throw new ModelException("The model asked for " + toolCalls + " tool calls in this turn; a turn may"
                        + " make at most " + core.maxToolCalls());
            }
            String node = turnId + "-a" + step;
            byte[] payload = Payloads.encode(new Payloads.AssistantResponse(turnId, step, reply.text(),
                    reply.toolCalls(), reply.model(), reply.usage()));
            if (payload.length > core.storePolicy().maxPayloadBytes()) {
                throw new ModelException("The model's reply is " + payload.length + " bytes; at most "
                        + core.storePolicy().maxPayloadBytes() + " can be recorded");
            }
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
            open.addAll(reply.toolCalls());
            int i = 0;
            for (ToolCall call : reply.toolCalls()) {
                i++;
                String callNode = turnId + "-c" + step + "." + i;
                String resultNode = turnId + "-r" + step + "." + i;
                String toolKey = key + "." + i;
                base = commit(base, b -> toolStep(b, turnId, call, callNode, resultNode, toolKey), callNode, resultNode);
                open.remove(call);
            }
        }
        String stopped = "I stopped after " + core.maxSteps() + " model calls without a final answer.";
        String node = turnId + "-a" + (core.maxSteps() + 1);
        byte[] payload = Payloads.encode(new Payloads.AssistantResponse(turnId, core.maxSteps() + 1, stopped,
                List.of(), "runtime", TokenUsage.ZERO));
        commit(base, b -> RuntimeCommit.expecting(b.revision())
                .append(NewNode.of(node, b.head(), NodeKind.ASSISTANT_RESPONSE, payload))
                .head(node)
                .idempotencyKey(turnId + "-stop")
                .build(), node);
        return result(turnId, stopped);
    }

    /**
     * Ends a turn that failed after its user input was committed: an {@code error} node under the
     * head answers every open tool call, so the next turn's context is valid for any model.
     */
    private RuntimeException fail(String turnId, RuntimeException e) {
        String code;
        String message;
        if (e instanceof ModelException) {
            code = "model_error";
            message = e.getMessage();
        } else if (e instanceof TurnConflictException) {
            code = "conflict";
            message = e.getMessage();
        } else {
            code = "internal";
            message = "The turn failed (" + e.getClass().getSimpleName() + ")";
            LOG.error("Session {}: turn {} failed", store.sessionId(), turnId, e);
        }
        recordError(turnId, code, message);
        return e instanceof ModelException || e instanceof TurnConflictException ? e
                : new TurnFailedException(turnId, code, message, e);
    }

    private TurnResult result(String turnId, String reply) {
        return new TurnResult(store.sessionId(), turnId, reply, recorded, usage, revision, committer.conflictRetries(),
                false);
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
        Payloads.ToolResult result = core.toolRunner().run(tool, call, slice, core.clock(), turnId);
        if (result.ok() && !slice.isEmpty()) {
            state.set(call.name(), slice);
        }
        return result;
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

    private void recordError(String turnId, String code, String message) {
        String node = turnId + "-e";
        byte[] payload = Payloads.encode(new Payloads.TurnError(turnId, code, message,
                open.stream().map(c -> new Payloads.OpenCall(c.id(), c.name())).toList()));
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
