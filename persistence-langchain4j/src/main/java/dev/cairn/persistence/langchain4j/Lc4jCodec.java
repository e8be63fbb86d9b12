package dev.cairn.persistence.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.adapter.EncodedMessage;
import dev.cairn.persistence.adapter.MessageCodec;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.ChatMessageType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * LangChain4j messages as node payloads: LangChain4j's own JSON ({@code ChatMessageSerializer}), with
 * inline media moved to blobs. The kind says what the message is: {@code user_input},
 * {@code assistant_response}, {@code tool_call} (an {@code AiMessage} with tool requests),
 * {@code tool_result}, {@code system_message}, {@code lc4j.custom}.
 */
final class Lc4jCodec implements MessageCodec<ChatMessage> {
    static final NodeKind SYSTEM = NodeKind.of("system_message");
    static final NodeKind CUSTOM = NodeKind.of("lc4j.custom");
    private static final Set<NodeKind> KINDS = Set.of(NodeKind.USER_INPUT, NodeKind.ASSISTANT_RESPONSE, NodeKind.TOOL_CALL,
            NodeKind.TOOL_RESULT, SYSTEM, CUSTOM);

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public EncodedMessage encode(ChatMessage message) {
        try {
            String text = ChatMessageSerializer.messageToJson(message);
            List<EncodedMessage.Media> media = new ArrayList<>();
            byte[] payload;
            if (text.contains(MediaBlobs.DATA_FIELD)) {
                JsonNode tree = json.readTree(text);
                MediaBlobs.externalize(tree, media);
                payload = json.writeValueAsBytes(tree);
            } else {
                payload = text.getBytes(StandardCharsets.UTF_8); // no inline media: LangChain4j's JSON as it is
            }
            return new EncodedMessage(kind(message), payload, media,
                    message.type() == ChatMessageType.SYSTEM, message.type() == ChatMessageType.AI);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException("a " + message.type() + " message cannot be stored: LangChain4j could not serialize it ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public ChatMessage decode(NodeKind kind, byte[] payload, BlobSource blobs) {
        try {
            String text = new String(payload, StandardCharsets.UTF_8);
            if (!text.contains(MediaBlobs.FIELD)) {
                return ChatMessageDeserializer.messageFromJson(text);
            }
            JsonNode tree = json.readTree(payload);
            MediaBlobs.internalize(tree, blobs);
            return ChatMessageDeserializer.messageFromJson(json.writeValueAsString(tree));
        } catch (IOException | RuntimeException e) {
            if (e instanceof StoreCorruptedException s) {
                throw s;
            }
            throw new StoreCorruptedException("a stored " + kind + " message is not LangChain4j message JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public Set<NodeKind> kinds() {
        return KINDS;
    }

    @Override
    public NodeKind systemKind() {
        return SYSTEM;
    }

    static NodeKind kind(ChatMessage m) {
        return switch (m.type()) {
            case SYSTEM -> SYSTEM;
            case USER -> NodeKind.USER_INPUT;
            case AI -> ((AiMessage) m).hasToolExecutionRequests() ? NodeKind.TOOL_CALL : NodeKind.ASSISTANT_RESPONSE;
            case TOOL_EXECUTION_RESULT -> NodeKind.TOOL_RESULT;
            case CUSTOM -> CUSTOM;
        };
    }
}
