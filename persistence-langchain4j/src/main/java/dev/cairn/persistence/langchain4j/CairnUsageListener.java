package dev.cairn.persistence.langchain4j;

import dev.cairn.persistence.TokenUsage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.observability.api.event.AiServiceResponseReceivedEvent;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;

import java.util.Objects;

/**
 * Records every model call of an AI service in the Cairn ledger of its conversation: the response's
 * token counts, by the response's model name, on the node that stores the response (the next
 * {@code updateMessages} that appends it). Register it with
 * {@code AiServices.builder(...).registerListener(store.usageListener())}. Calls without a chat memory
 * id are not recorded (they have no conversation).
 */
public final class CairnUsageListener implements AiServiceResponseReceivedListener {
    /** The model name recorded when a response names none. */
    public static final String UNKNOWN_MODEL = "unknown";

    private final CairnChatMemoryStore store;

    CairnUsageListener(CairnChatMemoryStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Holds the response's usage until its message is stored.
     *
     * @param event the event
     */
    @Override
    public void onEvent(AiServiceResponseReceivedEvent event) {
        Object memoryId = event.invocationContext() == null ? null : event.invocationContext().chatMemoryId();
        ChatResponse response = event.response();
        if (memoryId == null || response == null || response.aiMessage() == null || response.tokenUsage() == null) {
            return;
        }
        dev.langchain4j.model.output.TokenUsage u = response.tokenUsage();
        TokenUsage tokens = new TokenUsage(count(u.inputTokenCount()), count(u.outputTokenCount()), 0, 0);
        String model = response.modelName() == null || response.modelName().isBlank() ? UNKNOWN_MODEL : response.modelName();
        store.windows().recordUsage(CairnChatMemoryStore.id(memoryId), response.aiMessage(), model, tokens);
    }

    private static long count(Integer n) {
        return n == null || n < 0 ? 0 : n;
    }
}
