package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            List<ChatMessage> ms = toMessages(node);
            int size = ms.stream().mapToInt(Tokens::count).sum();
            if (ms.isEmpty()) {
                continue;
            }
            if (!newestFirst.isEmpty() && tokens + size > budget) {
                break;
            }
            for (int k = ms.size() - 1; k >= 0; k--) {
                newestFirst.add(ms.get(k));
            }
            tokens += size;
        }
        Collections.reverse(newestFirst);
        // A tool result whose call was cut off would confuse a model: start at a user or assistant message.
        while (!newestFirst.isEmpty() && newestFirst.get(0).role() == ChatMessage.Role.TOOL) {
            tokens -= Tokens.count(newestFirst.remove(0));
        }
        List<ChatMessage> messages = answerOpenCalls(newestFirst);
        return new AssembledContext(messages, tokens, nodes.size(), StepBase.of(read));
    }

    /**
     * Every tool call of an assistant message must be answered by a tool message before the next
     * user or assistant message (OpenAI-compatible APIs refuse the request otherwise). Error nodes
     * answer the calls of a failed turn; this also covers a turn cut short by a crash, and drops a
     * tool message that answers no open call.
     */
    static List<ChatMessage> answerOpenCalls(List<ChatMessage> in) {
        List<ChatMessage> out = new ArrayList<>();
        Map<String, String> open = new LinkedHashMap<>();
        for (ChatMessage m : in) {
            if (m.role() == ChatMessage.Role.TOOL) {
                if (open.remove(m.toolCallId()) != null) {
                    out.add(m);
                }
                continue;
            }
            closeAll(open, out);
            if (m.role() == ChatMessage.Role.ASSISTANT) {
                m.toolCalls().forEach(c -> open.put(c.id(), c.name()));
            }
            out.add(m);
        }
        return out;
    }

    private static void closeAll(Map<String, String> open, List<ChatMessage> out) {
        open.forEach((id, name) -> out.add(ChatMessage.tool(id, name,
                Payloads.JSON.createObjectNode().put("error", "No result was recorded for this call").toString())));
        open.clear();
    }

    private static Optional<String> turnOf(SessionNode node) {
        try {
            return Optional.ofNullable(Payloads.JSON.readTree(node.payload()).path("turnId").textValue());
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    static List<ChatMessage> toMessages(SessionNode node) {
        NodeKind kind = node.kind();
        if (kind.equals(NodeKind.USER_INPUT)) {
            return List.of(ChatMessage.user(Payloads.decode(node.payload(), Payloads.UserInput.class).text()));
        }
        if (kind.equals(NodeKind.ASSISTANT_RESPONSE)) {
            Payloads.AssistantResponse a = Payloads.decode(node.payload(), Payloads.AssistantResponse.class);
            return List.of(ChatMessage.assistant(a.text(), a.toolCalls() == null ? List.of() : a.toolCalls()));
        }
        if (kind.equals(NodeKind.TOOL_RESULT)) {
            Payloads.ToolResult r = Payloads.decode(node.payload(), Payloads.ToolResult.class);
            return List.of(ChatMessage.tool(r.callId(), r.name(), r.forModel()));
        }
        if (kind.equals(NodeKind.ERROR)) {
            // the failed turn's open calls get their answer, then the model hears that the turn failed
            Payloads.TurnError e = Payloads.decode(node.payload(), Payloads.TurnError.class);
            List<ChatMessage> out = new ArrayList<>();
            String why = e.message() == null ? "unknown" : e.message();
            for (Payloads.OpenCall c : e.answered()) {
                out.add(ChatMessage.tool(c.callId(), c.name(),
                        Payloads.JSON.createObjectNode().put("error", "Not run: " + why).toString()));
            }
            out.add(ChatMessage.assistant("(That turn failed: " + why + ")", List.of()));
            return out;
        }
        // tool_call nodes are carried by the assistant message that asked for them; other kinds stay out.
        return List.of();
    }
}
