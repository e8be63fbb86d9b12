package dev.cairn.persistence.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic chat model: "add A B" asks for the {@code add} tool, a tool result is answered with
 * "the sum is R", anything else is echoed with a prefix. Each answer reports usage derived from the
 * request, and the model keeps the totals it reported.
 */
final class ScriptedModel implements ChatModel {
    static final String NAME = "scripted-1";
    final AtomicLong input = new AtomicLong();
    final AtomicLong output = new AtomicLong();
    final AtomicInteger calls = new AtomicInteger();
    private final String prefix;

    ScriptedModel(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        ChatMessage last = messages.get(messages.size() - 1);
        int n = calls.incrementAndGet();
        AiMessage answer;
        if (last instanceof ToolExecutionResultMessage r) {
            answer = AiMessage.from("the sum is " + r.text());
        } else if (last instanceof UserMessage u && u.singleText().startsWith("add ")) {
            String[] parts = u.singleText().split(" ");
            answer = AiMessage.from(List.of(ToolExecutionRequest.builder().id("call-" + n).name("add")
                    .arguments("{\"arg0\":" + parts[1] + ",\"arg1\":" + parts[2] + "}").build()));
        } else {
            answer = AiMessage.from(prefix + ((UserMessage) last).singleText());
        }
        int in = 10 + messages.size();
        int out = 3 + n % 5;
        input.addAndGet(in);
        output.addAndGet(out);
        return ChatResponse.builder().aiMessage(answer).modelName(NAME).tokenUsage(new TokenUsage(in, out)).build();
    }
}
