package dev.cairn.persistence.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API's values in {@code --format json/jsonl} output. */
final class JsonViews {
    private JsonViews() {
    }

    static ObjectNode meta(SessionMeta m) {
        ObjectNode o = Json.object();
        o.put("sessionId", m.sessionId());
        o.put("name", m.name());
        o.put("model", m.model());
        o.put("cwd", m.cwd());
        o.put("parentSessionId", m.parentSessionId().orElse(null));
        o.put("createdAt", m.createdAt().toString());
        ObjectNode attrs = o.putObject("attributes");
        m.attributes().forEach(attrs::put);
        return o;
    }

    static ObjectNode head(SessionHead h) {
        ObjectNode o = Json.object();
        o.put("nodeId", h.nodeId().orElse(null));
        o.put("revision", h.revision());
        return o;
    }

    static ObjectNode blobRef(BlobRef r) {
        ObjectNode o = Json.object();
        o.put("hash", r.hash().toString());
        o.put("size", r.size());
        o.put("mediaType", r.mediaType());
        return o;
    }

    static ObjectNode slot(CheckpointSlot s) {
        ObjectNode o = blobRef(s.blob());
        o.put("nodeId", s.nodeId());
        return o;
    }

    static ObjectNode tokens(TokenUsage u) {
        ObjectNode o = Json.object();
        o.put("inputTokens", u.inputTokens());
        o.put("outputTokens", u.outputTokens());
        o.put("cachedInputTokens", u.cachedInputTokens());
        o.put("reasoningTokens", u.reasoningTokens());
        return o;
    }

    static ObjectNode byModel(Map<String, TokenUsage> byModel) {
        ObjectNode o = Json.object();
        byModel.forEach((model, u) -> o.set(model, tokens(u)));
        return o;
    }

    static ObjectNode usageEntry(UsageEntry e) {
        ObjectNode o = Json.object();
        o.put("revision", e.revision());
        o.put("nodeId", e.nodeId());
        o.put("model", e.model());
        o.setAll(tokens(e.usage()));
        o.put("recordedAt", e.recordedAt().toString());
        return o;
    }

    /** A node with its payload as JSON, text, or (binary) size and hash only. */
    static ObjectNode node(SessionNode n, boolean head) {
        ObjectNode o = Json.object();
        o.put("seq", n.seq());
        o.put("nodeId", n.nodeId());
        o.put("parentNodeId", n.parentNodeId().orElse(null));
        o.put("kind", n.kind().name());
        o.put("createdAt", n.createdAt().toString());
        if (n.tombstoned()) {
            o.put("tombstoned", true);
        }
        if (head) {
            o.put("head", true);
        }
        o.put("payloadHash", n.payloadHash().toString());
        o.put("payloadSize", n.payloadSize());
        Payloads.View v = Payloads.classify(n.payload());
        o.put("payloadType", v.type().label());
        switch (v.type()) {
            case JSON -> o.set("payload", v.json().orElseThrow());
            case TEXT -> o.put("payload", v.text().orElseThrow());
            default -> { }
        }
        ArrayNode atts = o.putArray("attachments");
        for (BlobRef r : n.attachments()) {
            atts.add(blobRef(r));
        }
        return o;
    }

    static ArrayNode array(List<ObjectNode> items) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        items.forEach(a::add);
        return a;
    }
}
