package dev.cairn.persistence.springai;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.adapter.EncodedMessage;
import dev.cairn.persistence.adapter.MessageCodec;
import org.springframework.ai.chat.messages.AbstractMessage;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.ai.content.MediaContent;
import org.springframework.util.MimeType;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Spring AI messages as node payloads. Spring AI has no message codec of its own (its repositories
 * map fields by hand, and its JDBC one drops tool calls), so this one writes every field: type, text,
 * metadata (sorted by key), media (bytes moved to blobs, URLs kept), tool calls (id, type, name,
 * arguments) and tool responses (id, name, data). Metadata values come back as JSON values
 * (strings, numbers, booleans, lists, maps).
 */
final class SpringAiCodec implements MessageCodec<Message> {
    static final NodeKind SYSTEM = NodeKind.of("system_message");
    private static final Set<NodeKind> KINDS = Set.of(NodeKind.USER_INPUT, NodeKind.ASSISTANT_RESPONSE, NodeKind.TOOL_CALL,
            NodeKind.TOOL_RESULT, SYSTEM);

    private final JsonMapper json = JsonMapper.builder().build();

    @Override
    public EncodedMessage encode(Message message) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("type", message.getMessageType().name());
        if (message.getText() != null) {
            root.put("text", message.getText());
        }
        Map<String, Object> meta = new TreeMap<>(message.getMetadata());
        meta.remove(AbstractMessage.MESSAGE_TYPE);
        if (!meta.isEmpty()) {
            root.put("metadata", meta);
        }
        List<EncodedMessage.Media> media = new ArrayList<>();
        if (message instanceof MediaContent mc && mc.getMedia() != null && !mc.getMedia().isEmpty()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Media m : mc.getMedia()) {
                list.add(encodeMedia(m, media));
            }
            root.put("media", list);
        }
        if (message instanceof AssistantMessage a && a.hasToolCalls()) {
            List<Map<String, Object>> calls = new ArrayList<>();
            for (AssistantMessage.ToolCall c : a.getToolCalls()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.id());
                m.put("type", c.type());
                m.put("name", c.name());
                m.put("arguments", c.arguments());
                calls.add(m);
            }
            root.put("toolCalls", calls);
        }
        if (message instanceof ToolResponseMessage t) {
            List<Map<String, Object>> responses = new ArrayList<>();
            for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.id());
                m.put("name", r.name());
                m.put("responseData", r.responseData());
                responses.add(m);
            }
            root.put("responses", responses);
        }
        try {
            return new EncodedMessage(kind(message), json.writeValueAsBytes(root), media,
                    message.getMessageType() == MessageType.SYSTEM, message.getMessageType() == MessageType.ASSISTANT);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("a " + message.getMessageType() + " message cannot be stored: its metadata holds a value"
                    + " that is not JSON (" + e.getClass().getSimpleName() + "); use strings, numbers, booleans, lists and maps");
        }
    }

    private static Map<String, Object> encodeMedia(Media m, List<EncodedMessage.Media> out) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("mimeType", m.getMimeType().toString());
        if (m.getId() != null) {
            e.put("id", m.getId());
        }
        if (m.getName() != null) {
            e.put("name", m.getName());
        }
        if (m.getData() instanceof byte[] bytes) {
            EncodedMessage.Media blob = EncodedMessage.Media.of(bytes, m.getMimeType().toString());
            out.add(blob);
            e.put("blob", blob.hash().hex());
        } else {
            e.put("url", String.valueOf(m.getData()));
        }
        return e;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Message decode(NodeKind kind, byte[] payload, BlobSource blobs) {
        Map<String, Object> root;
        try {
            root = json.readValue(payload, Map.class);
        } catch (RuntimeException e) {
            throw new StoreCorruptedException("a stored " + kind + " message is not Spring AI message JSON (" + e.getClass().getSimpleName() + ")");
        }
        String text = (String) root.get("text");
        Map<String, Object> meta = root.containsKey("metadata") ? (Map<String, Object>) root.get("metadata") : Map.of();
        List<Media> media = new ArrayList<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) root.getOrDefault("media", List.of())) {
            Media.Builder b = Media.builder().mimeType(MimeType.valueOf((String) m.get("mimeType")));
            if (m.get("blob") != null) {
                b.data(blobs.load(ContentHash.parse((String) m.get("blob"))));
            } else {
                b.data((String) m.get("url"));
            }
            if (m.get("id") != null) {
                b.id((String) m.get("id"));
            }
            if (m.get("name") != null) {
                b.name((String) m.get("name"));
            }
            media.add(b.build());
        }
        MessageType type = MessageType.valueOf((String) root.get("type"));
        return switch (type) {
            case USER -> UserMessage.builder().text(text == null ? "" : text).media(media).metadata(meta).build();
            case SYSTEM -> SystemMessage.builder().text(text == null ? "" : text).metadata(meta).build();
            case ASSISTANT -> {
                List<AssistantMessage.ToolCall> calls = new ArrayList<>();
                for (Map<String, Object> c : (List<Map<String, Object>>) root.getOrDefault("toolCalls", List.of())) {
                    calls.add(new AssistantMessage.ToolCall((String) c.get("id"), (String) c.get("type"), (String) c.get("name"),
                            (String) c.get("arguments")));
                }
                yield AssistantMessage.builder().content(text).properties(meta).toolCalls(calls).media(media).build();
            }
            case TOOL -> {
                List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
                for (Map<String, Object> r : (List<Map<String, Object>>) root.getOrDefault("responses", List.of())) {
                    responses.add(new ToolResponseMessage.ToolResponse((String) r.get("id"), (String) r.get("name"),
                            (String) r.get("responseData")));
                }
                yield ToolResponseMessage.builder().responses(responses).metadata(meta).build();
            }
        };
    }

    @Override
    public Set<NodeKind> kinds() {
        return KINDS;
    }

    @Override
    public NodeKind systemKind() {
        return SYSTEM;
    }

    static NodeKind kind(Message m) {
        return switch (m.getMessageType()) {
            case USER -> NodeKind.USER_INPUT;
            case ASSISTANT -> m instanceof AssistantMessage a && a.hasToolCalls() ? NodeKind.TOOL_CALL : NodeKind.ASSISTANT_RESPONSE;
            case TOOL -> NodeKind.TOOL_RESULT;
            case SYSTEM -> SYSTEM;
        };
    }
}
