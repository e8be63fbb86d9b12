package dev.cairn.persistence.springai;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic chat model: "add A B" asks for the {@code add} tool, a tool response is answered
 * with "the sum is R", anything else is echoed with a prefix; usage is reported and totalled.
 */
final class ScriptedChatModel implements ChatModel {
    static final String NAME = "scripted-sai";
    final AtomicLong input = new AtomicLong();
    final AtomicLong output = new AtomicLong();
    final AtomicInteger calls = new AtomicInteger();
    private final String prefix;

    ScriptedChatModel(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        List<Message> messages = prompt.getInstructions();
        Message last = messages.get(messages.size() - 1);
        int n = calls.incrementAndGet();
        AssistantMessage answer;
        if (last instanceof ToolResponseMessage r) {
            answer = new AssistantMessage("the sum is " + r.getResponses().get(0).responseData());
        } else if (last instanceof UserMessage u && u.getText().startsWith("add ")) {
            String[] parts = u.getText().split(" ");
            answer = AssistantMessage.builder().content("")
                    .toolCalls(List.of(new AssistantMessage.ToolCall("call-" + n, "function", "add",
                            "{\"arg0\":" + parts[1] + ",\"arg1\":" + parts[2] + "}")))
                    .build();
        } else {
            answer = new AssistantMessage(prefix + last.getText());
        }
        int in = 10 + messages.size();
        int out = 3 + n % 5;
        input.addAndGet(in);
        output.addAndGet(out);
        return new ChatResponse(List.of(new Generation(answer)),
                ChatResponseMetadata.builder().model(NAME).usage(new DefaultUsage(in, out)).build());
    }

    /** ChatClient builds each request's options from these; tool-calling options let the tool advisor run tools. */
    @Override
    public ChatOptions getOptions() {
        return ToolCallingChatOptions.builder().build();
    }
}
