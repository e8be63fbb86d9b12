package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Builds a model's context from the end of the active path. It reads only the last
 * {@code maxNodes} nodes ({@link SessionReadScope#activePathTail(int)}), so a long session costs the
 * same as a short one, then keeps the newest messages that fit in {@code maxTokens}.
 *
 * <p>A turn sees the conversation as it was when the turn started, plus its own steps: nodes that
 * other turns (another replica writing to the same chat) committed after this turn's user input are
 * left out, so the model answers this turn's question and not a neighbour's.
 */
final class ContextAssembler {
    private final int maxNodes;
    private final int maxTokens;

    ContextAssembler(int maxNodes, int maxTokens) {
        this.maxNodes = maxNodes;
        this.maxTokens = maxTokens;
    }

    AssembledContext assemble(RuntimePersistence store, int reservedTokens, String turnId) {
        PersistedSessionRead read = store.loadSession(SessionReadScope.activePathTail(maxNodes))
                .orElseThrow(() -> new SessionNotFoundException(store.sessionId()));
        List<ChatMessage> newestFirst = new ArrayList<>();
        int budget = Math.max(0, maxTokens - reservedTokens);
        int tokens = 0;
        List<SessionNode> nodes = read.nodes();
        boolean beforeTurnStart = false;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            SessionNode node = nodes.get(i);
            Optional<String> owner = turnOf(node);
            if (!beforeTurnStart) {
                if (owner.isPresent() && !owner.get().equals(turnId)) {
                    continue; // a concurrent turn's step, committed after this turn started
                }
                beforeTurnStart = node.kind().equals(NodeKind.USER_INPUT) && owner.isPresent();
            }
            Optional<ChatMessage> m = toMessage(node);
            if (m.isEmpty()) {
                continue;
            }
            int size = Tokens.count(m.get());
            if (!newestFirst.isEmpty() && tokens + size > budget) {
                break;
            }
            newestFirst.add(m.get());
            tokens += size;
        }
        Collections.reverse(newestFirst);
        // A tool result whose call was cut off would confuse a model: start at a user or assistant message.
        while (!newestFirst.isEmpty() && newestFirst.get(0).role() == ChatMessage.Role.TOOL) {
            tokens -= Tokens.count(newestFirst.remove(0));
        }
        return new AssembledContext(newestFirst, tokens, nodes.size(), StepBase.of(read));
    }

    private static Optional<String> turnOf(SessionNode node) {
        try {
            return Optional.ofNullable(Payloads.JSON.readTree(node.payload()).path("turnId").textValue());
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    static Optional<ChatMessage> toMessage(SessionNode node) {
        NodeKind kind = node.kind();
        if (kind.equals(NodeKind.USER_INPUT)) {
            return Optional.of(ChatMessage.user(Payloads.decode(node.payload(), Payloads.UserInput.class).text()));
        }
        if (kind.equals(NodeKind.ASSISTANT_RESPONSE)) {
            Payloads.AssistantResponse a = Payloads.decode(node.payload(), Payloads.AssistantResponse.class);
            return Optional.of(ChatMessage.assistant(a.text(), a.toolCalls() == null ? List.of() : a.toolCalls()));
        }
        if (kind.equals(NodeKind.TOOL_RESULT)) {
            Payloads.ToolResult r = Payloads.decode(node.payload(), Payloads.ToolResult.class);
            return Optional.of(ChatMessage.tool(r.callId(), r.name(), r.forModel()));
        }
        // tool_call nodes are carried by the assistant message that asked for them; other kinds stay out.
        return Optional.empty();
    }
}
