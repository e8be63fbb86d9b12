package dev.cairn.persistence.adk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.adk.JsonBaseModel;
import com.google.adk.events.Event;
import com.google.adk.sessions.State;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.adapter.EncodedMessage.Media;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * An ADK event as a Cairn node: ADK's own JSON ({@link Event#toJson()}) with {@code temp:} keys
 * taken out of the state delta, {@link State#REMOVED} written as a list of removed keys, and inline
 * bytes ({@code inlineData.data}) moved to blobs. Decoding gives the event back.
 */
final class EventCodec {
    /** The kind of events that are neither a message, a tool call nor an error (state only, compaction...). */
    static final NodeKind EVENT = NodeKind.of("adk.event");
    /** The kind of the root node a session is created with. */
    static final NodeKind CREATED = NodeKind.of("adk.created");
    private static final String BLOB = "cairnBlob";

    private EventCodec() {
    }

    /** An event ready to append: payload, media to attach, and the deltas it brings. */
    record Encoded(NodeKind kind, byte[] payload, List<Media> media, Map<String, Object> delta, List<String> removed) {
    }

    static ObjectMapper mapper() {
        return JsonBaseModel.getMapper();
    }

    static Encoded encode(Event event) {
        Map<String, Object> delta = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        event.actions().stateDelta().forEach((k, v) -> {
            if (k.startsWith(State.TEMP_PREFIX)) {
                return;
            }
            if (v == State.REMOVED) {
                removed.add(k);
            } else {
                delta.put(k, v);
            }
        });
        ObjectMapper m = mapper();
        if (delta.size() == event.actions().stateDelta().size() && !hasInlineData(event)) {
            // nothing to take out or move: ADK's JSON of the event as it is, written once (no tree)
            try {
                return new Encoded(kind(event), m.writeValueAsBytes(Collections.singletonMap("event", event)), List.of(),
                        delta, removed);
            } catch (JsonProcessingException e) {
                throw new InvalidRequestException("ADK event " + event.id() + " cannot be written as JSON: " + e.getMessage());
            }
        }
        ObjectNode tree;
        try {
            tree = (ObjectNode) m.readTree(event.toJson()); // bytes as base64 text, as ADK writes them
        } catch (JsonProcessingException | ClassCastException e) {
            throw new InvalidRequestException("ADK event " + event.id() + " cannot be written as JSON: " + e.getMessage());
        }
        JsonNode actions = tree.get("actions");
        if (actions instanceof ObjectNode a) {
            a.set("stateDelta", m.valueToTree(delta));
        }
        List<Media> media = new ArrayList<>();
        forEachInline(tree, inline -> {
            JsonNode data = inline.get("data");
            if (data != null && data.isTextual()) {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(data.asText());
                } catch (IllegalArgumentException e) {
                    return;
                }
                if (!Base64.getEncoder().encodeToString(bytes).equals(data.asText())) {
                    return; // only canonical base64 moves, so the event comes back exactly
                }
                String type = inline.path("mimeType").asText(BlobRef.OCTET_STREAM);
                Media md = Media.of(bytes, type.contains("/") ? type : BlobRef.OCTET_STREAM);
                media.add(md);
                inline.remove("data");
                inline.put(BLOB, md.hash().hex());
            }
        });
        ObjectNode payload = m.createObjectNode();
        payload.set("event", tree);
        if (!removed.isEmpty()) {
            payload.set("removed", m.valueToTree(removed));
        }
        try {
            return new Encoded(kind(event), m.writeValueAsBytes(payload), media, delta, removed);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("ADK event " + event.id() + " cannot be written as JSON: " + e.getMessage());
        }
    }

    static Event decode(String nodeId, byte[] payload, Function<ContentHash, byte[]> blobs) {
        try {
            JsonNode root = mapper().readTree(payload);
            ObjectNode tree = (ObjectNode) root.get("event");
            forEachInline(tree, inline -> {
                JsonNode h = inline.remove(BLOB);
                if (h != null) {
                    inline.put("data", Base64.getEncoder().encodeToString(blobs.apply(ContentHash.parse(h.asText()))));
                }
            });
            Event event = Event.fromJson(mapper().writeValueAsString(tree));
            JsonNode removed = root.get("removed");
            if (removed != null) {
                removed.forEach(k -> event.actions().stateDelta().put(k.asText(), State.REMOVED));
            }
            return event;
        } catch (java.io.IOException | RuntimeException e) {
            throw new StoreCorruptedException("node " + nodeId + " is not an ADK event: " + e.getMessage());
        }
    }

    /** Token usage of a model event, in Cairn's terms. */
    static Optional<TokenUsage> usage(Event event) {
        return event.usageMetadata().map(EventCodec::usage).filter(u -> !u.equals(TokenUsage.ZERO));
    }

    private static TokenUsage usage(GenerateContentResponseUsageMetadata u) {
        return new TokenUsage(u.promptTokenCount().orElse(0), u.candidatesTokenCount().orElse(0),
                u.cachedContentTokenCount().orElse(0), u.thoughtsTokenCount().orElse(0));
    }

    private static NodeKind kind(Event event) {
        if (event.errorCode().isPresent()) {
            return NodeKind.ERROR;
        }
        if (!event.functionCalls().isEmpty()) {
            return NodeKind.TOOL_CALL;
        }
        if (!event.functionResponses().isEmpty()) {
            return NodeKind.TOOL_RESULT;
        }
        boolean text = event.content().flatMap(c -> c.parts()).map(ps -> !ps.isEmpty()).orElse(false);
        if (!text || event.actions().compaction().isPresent()) {
            return EVENT;
        }
        return "user".equals(event.author()) ? NodeKind.USER_INPUT : NodeKind.ASSISTANT_RESPONSE;
    }

    private static boolean hasInlineData(Event event) {
        return event.content().flatMap(c -> c.parts()).map(ps -> ps.stream().anyMatch(p -> p.inlineData().isPresent()))
                .orElse(false);
    }

    private static void forEachInline(ObjectNode event, java.util.function.Consumer<ObjectNode> action) {
        JsonNode parts = event.path("content").path("parts");
        if (parts instanceof ArrayNode array) {
            for (JsonNode part : array) {
                if (part.get("inlineData") instanceof ObjectNode inline) {
                    action.accept(inline);
                }
            }
        }
    }
}
