package dev.cairn.persistence.springai;

import dev.cairn.persistence.TokenUsage;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;

import java.util.Objects;

/**
 * Records each model response's token usage in the Cairn ledger of its conversation (the
 * {@code ChatMemory.CONVERSATION_ID} advisor parameter), by the response's model name, on the node
 * that stores the response. It must run just inside the memory advisor, so that it sees each
 * response before the memory advisor saves it: by default its order is
 * {@link Advisor#DEFAULT_CHAT_MEMORY_PRECEDENCE_ORDER} + 1; when the memory advisor has another order
 * (inside a {@code ToolCallAdvisor}, so that every step of the tool loop is saved and recorded), take
 * {@code repository.usageAdvisor(memoryOrder + 1)}. Responses without a conversation id or without
 * usage are not recorded.
 */
public final class CairnUsageAdvisor implements CallAdvisor {
    /** The model name recorded when a response names none. */
    public static final String UNKNOWN_MODEL = "unknown";

    private final CairnChatMemoryRepository repository;
    private final int order;

    CairnUsageAdvisor(CairnChatMemoryRepository repository, int order) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.order = order;
    }

    /**
     * Passes the call on, then holds the response's usage until the memory saves it.
     *
     * @param request the request
     * @param chain the rest of the chain
     * @return the response, unchanged
     */
    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        ChatClientResponse response = chain.nextCall(request);
        Object conversation = request.context().get(ChatMemory.CONVERSATION_ID);
        ChatResponse chat = response.chatResponse();
        if (conversation == null || chat == null || chat.getResult() == null || chat.getMetadata() == null) {
            return response;
        }
        Usage usage = chat.getMetadata().getUsage();
        if (usage == null || (usage.getPromptTokens() == null && usage.getCompletionTokens() == null)) {
            return response;
        }
        long cached = usage.getCacheReadInputTokens() == null ? 0 : Math.max(0, usage.getCacheReadInputTokens());
        TokenUsage tokens = new TokenUsage(count(usage.getPromptTokens()), count(usage.getCompletionTokens()), cached, 0);
        String model = chat.getMetadata().getModel();
        repository.windows().recordUsage(conversation.toString(), chat.getResult().getOutput(),
                model == null || model.isBlank() ? UNKNOWN_MODEL : model, tokens);
        return response;
    }

    private static long count(Integer n) {
        return n == null || n < 0 ? 0 : n;
    }

    /** @return {@code CairnUsageAdvisor} */
    @Override
    public String getName() {
        return "CairnUsageAdvisor";
    }

    /** @return its order: just inside the memory advisor */
    @Override
    public int getOrder() {
        return order;
    }
}
