package dev.cairn.persistence.example.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import dev.cairn.persistence.UsageLedger;
import dev.cairn.persistence.example.agent.Transcript;
import dev.cairn.persistence.example.agent.TranscriptNode;
import dev.cairn.persistence.example.agent.TurnResult;
import dev.cairn.persistence.example.product.ChatPage;
import dev.cairn.persistence.example.product.ChatSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API, as records Jackson writes. Absent values are {@code null}. */
public final class Views {
    private Views() {
    }

    /**
     * A chat in the resume picker.
     *
     * @param id the chat id
     * @param title its title
     * @param owner its owner
     * @param model the model it was created with
     * @param createdAt when, ISO-8601
     * @param turns user messages on its active path
     * @param tokens total tokens ever used
     * @param head the head node, or null
     * @param revision the session revision
     * @param forkedFrom the source chat of a fork, or null
     * @param forkedAt the node of the source a fork was forked at, or null
     */
    public record Chat(String id, String title, String owner, String model, String createdAt, int turns, long tokens,
                       String head, long revision, String forkedFrom, String forkedAt) {
        static Chat of(ChatSummary s) {
            return new Chat(s.chat().chatId(), s.chat().title(), s.chat().owner(), s.model(),
                    s.chat().createdAt().toString(), s.chat().turns(), s.tokens(), s.head().nodeId().orElse(null),
                    s.head().revision(), s.chat().forkedFrom().orElse(null), s.forkedAt().orElse(null));
        }
    }

    /**
     * A page of chats.
     *
     * @param chats the chats, newest first
     * @param nextCursor pass as {@code ?cursor=} for the next page, or null
     */
    public record ChatList(List<Chat> chats, String nextCursor) {
        static ChatList of(ChatPage p) {
            return new ChatList(p.chats().stream().map(Chat::of).toList(), p.nextCursor().orElse(null));
        }
    }

    /**
     * A stored node.
     *
     * @param id the node id
     * @param parent its parent, or null
     * @param kind its kind
     * @param seq its commit order
     * @param createdAt when it was committed
     * @param payload its JSON payload
     */
    public record Node(String id, String parent, String kind, long seq, String createdAt, JsonNode payload) {
        static Node of(TranscriptNode n) {
            return new Node(n.nodeId(), n.parentNodeId().orElse(null), n.kind(), n.seq(), n.createdAt().toString(),
                    n.payload());
        }
    }

    /**
     * Nodes of a chat.
     *
     * @param chatId the chat
     * @param scope {@code active} (root to head) or {@code full} (every live node in commit order)
     * @param head the head, or null
     * @param revision the revision of the snapshot
     * @param nodes the nodes
     */
    public record TranscriptView(String chatId, String scope, String head, long revision, List<Node> nodes) {
        static TranscriptView of(Transcript t, String scope) {
            return new TranscriptView(t.chatId(), scope, t.head().nodeId().orElse(null), t.head().revision(),
                    t.nodes().stream().map(Node::of).toList());
        }
    }

    /**
     * Token counts.
     *
     * @param inputTokens prompt tokens
     * @param outputTokens completion tokens
     * @param cachedInputTokens cached prompt tokens
     * @param reasoningTokens reasoning tokens
     * @param totalTokens input plus output
     */
    public record Usage(long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens,
                        long totalTokens) {
        static Usage of(TokenUsage u) {
            return new Usage(u.inputTokens(), u.outputTokens(), u.cachedInputTokens(), u.reasoningTokens(),
                    u.totalTokens());
        }
    }

    /**
     * A chat's ledger.
     *
     * @param chatId the chat
     * @param total every turn ever committed
     * @param byModel the same by model
     * @param turnCount how many turns the ledger holds
     * @param turns the last turns, oldest first (at most {@code ?turns=N}); a turn's model calls summed
     */
    public record ChatUsage(String chatId, Usage total, Map<String, Usage> byModel, int turnCount,
                            List<TurnUsage> turns) {
        static ChatUsage of(String chatId, UsageLedger l, int lastTurns) {
            Map<String, Usage> by = new LinkedHashMap<>();
            l.byModel().forEach((m, u) -> by.put(m, Usage.of(u)));
            List<TurnUsage> all = TurnUsage.group(l.turns());
            return new ChatUsage(chatId, Usage.of(l.total()), by, all.size(),
                    all.subList(Math.max(0, all.size() - lastTurns), all.size()));
        }
    }

    /**
     * The tokens of one turn: its model calls (ledger entries of nodes {@code <turnId>-a<step>}) summed.
     *
     * @param turnId the turn
     * @param model the model of its last call
     * @param calls how many model calls it made
     * @param recordedAt when its last call was recorded
     * @param usage its tokens
     */
    public record TurnUsage(String turnId, String model, int calls, String recordedAt, Usage usage) {
        static List<TurnUsage> group(List<UsageEntry> entries) {
            List<TurnUsage> out = new ArrayList<>();
            String turn = null;
            TokenUsage sum = TokenUsage.ZERO;
            UsageEntry last = null;
            int calls = 0;
            for (UsageEntry e : entries) {
                int dash = e.nodeId().lastIndexOf('-');
                String id = dash > 0 ? e.nodeId().substring(0, dash) : e.nodeId();
                if (!id.equals(turn) && last != null) {
                    out.add(new TurnUsage(turn, last.model(), calls, last.recordedAt().toString(), Usage.of(sum)));
                    sum = TokenUsage.ZERO;
                    calls = 0;
                }
                turn = id;
                sum = sum.plus(e.usage());
                last = e;
                calls++;
            }
            if (last != null) {
                out.add(new TurnUsage(turn, last.model(), calls, last.recordedAt().toString(), Usage.of(sum)));
            }
            return out;
        }
    }

    /**
     * A finished turn.
     *
     * @param chatId the chat
     * @param turnId the turn
     * @param reply the final answer
     * @param nodes the nodes the turn stored, in commit order
     * @param usage the turn's tokens
     * @param revision the revision after the turn
     * @param conflictRetries commits retried after a revision conflict
     * @param replayed true if this answers a retry (same {@code Idempotency-Key}) and nothing ran
     */
    public record Turn(String chatId, String turnId, String reply, List<Node> nodes, Usage usage, long revision,
                       int conflictRetries, boolean replayed) {
        static Turn of(TurnResult r) {
            return new Turn(r.chatId(), r.turnId(), r.reply(), r.nodes().stream().map(Node::of).toList(),
                    Usage.of(r.usage()), r.revision(), r.conflictRetries(), r.replayed());
        }
    }

    /**
     * A head after a rewind.
     *
     * @param chatId the chat
     * @param head the head node
     * @param revision the revision
     */
    public record Head(String chatId, String head, long revision) {
        static Head of(String chatId, SessionHead h) {
            return new Head(chatId, h.nodeId().orElse(null), h.revision());
        }
    }

    /**
     * The service's health.
     *
     * @param status {@code ok}
     * @param store the store location, secrets redacted
     * @param durability what the store promises
     * @param model the model's name
     * @param activeRequests API requests being handled now (at most {@code --max-requests})
     */
    public record Health(String status, String store, String durability, String model, int activeRequests) {
    }

    /**
     * An error.
     *
     * @param error a short code, e.g. bad_request, not_found, conflict, payload_too_large, model_error, internal
     * @param detail what went wrong
     */
    public record Error(String error, String detail) {
    }
}
