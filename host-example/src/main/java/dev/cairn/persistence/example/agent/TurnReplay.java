package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The answer of a turn that is already stored, for a retry with the same idempotency key: its nodes
 * are found by their ids ({@code <turnId>-u}, {@code -a<step>}, {@code -c<step>.<i>},
 * {@code -r<step>.<i>}, {@code -e}), nothing runs and nothing is written.
 *
 * <ul>
 *   <li>a turn that ended with an answer: that answer, {@code replayed = true};</li>
 *   <li>a turn that ended with an {@code error} node: {@link TurnFailedException} with its reason;</li>
 *   <li>a key used for another message: {@link TurnKeyException} ({@code reused});</li>
 *   <li>a turn that started and has not ended (running on another instance, or cut by a crash):
 *   {@link TurnKeyException}; the caller retries later or sends with a new key.</li>
 * </ul>
 */
final class TurnReplay {
    /** More steps than any turn makes: the search for a turn's nodes stops here. */
    private static final int MAX_STEPS = 64;

    private TurnReplay() {
    }

    static TurnResult replay(RuntimePersistence store, String turnId, String text, SessionNode first,
                             Consumer<TranscriptNode> listener, int conflictRetries) {
        String said = Payloads.decode(first.payload(), Payloads.UserInput.class).text();
        if (!said.equals(text)) {
            throw new TurnKeyException("This Idempotency-Key was already used for another message in this chat;"
                    + " use a new key for a new message", true);
        }
        List<SessionNode> nodes = new ArrayList<>(List.of(first));
        Optional<String> reply = Optional.empty();
        TokenUsage usage = TokenUsage.ZERO;
        for (int step = 1; step <= MAX_STEPS && reply.isEmpty(); step++) {
            Optional<SessionNode> a = store.loadNode(turnId + "-a" + step);
            if (a.isEmpty()) {
                break;
            }
            nodes.add(a.get());
            Payloads.AssistantResponse r = Payloads.decode(a.get().payload(), Payloads.AssistantResponse.class);
            usage = usage.plus(r.tokens());
            List<ToolCall> calls = r.toolCalls() == null ? List.of() : r.toolCalls();
            for (int i = 1; i <= calls.size(); i++) {
                store.loadNode(turnId + "-c" + step + "." + i).ifPresent(nodes::add);
                store.loadNode(turnId + "-r" + step + "." + i).ifPresent(nodes::add);
            }
            if (calls.isEmpty()) {
                reply = Optional.of(r.text());
            }
        }
        Optional<SessionNode> error = store.loadNode(turnId + "-e");
        error.ifPresent(nodes::add);
        nodes.sort(Comparator.comparingLong(SessionNode::seq));
        List<TranscriptNode> shown = nodes.stream().map(TranscriptNode::of).toList();
        if (error.isPresent()) {
            shown.forEach(listener);
            Payloads.TurnError e = Payloads.decode(error.get().payload(), Payloads.TurnError.class);
            throw new TurnFailedException(turnId, e.code() == null ? "internal" : e.code(), e.message(), null);
        }
        if (reply.isEmpty()) {
            throw new TurnKeyException("The turn of this Idempotency-Key started at " + first.createdAt()
                    + " and has not finished (it may still be running, or the service stopped during it);"
                    + " retry later, or send the message with a new key", false);
        }
        shown.forEach(listener);
        long revision = store.loadSession(SessionReadScope.activePathTail(1))
                .orElseThrow(() -> new SessionNotFoundException(store.sessionId())).head().revision();
        return new TurnResult(store.sessionId(), turnId, reply.get(), shown, usage, revision, conflictRetries, true);
    }
}
