package dev.cairn.persistence.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.adapter.EncodedMessage;
import dev.cairn.persistence.adapter.MessageCodec;

import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Moves inline media out of LangChain4j's message JSON and back. LangChain4j inlines every image,
 * PDF, audio and video as a {@code base64Data} field beside its {@code mimeType}; those bytes become
 * blobs (stored once per content, shared by forks), and the field becomes {@value #FIELD}, the blob's
 * hash.
 */
final class MediaBlobs {
    static final String FIELD = "cairnBlob";
    static final String DATA_FIELD = "\"base64Data\"";
    private static final String DATA = "base64Data";

    private MediaBlobs() {
    }

    /** Replaces each inline {@code base64Data} under {@code node} by a blob reference, collecting the media. */
    static void externalize(JsonNode node, List<EncodedMessage.Media> media) {
        if (node instanceof ObjectNode o) {
            JsonNode data = o.get(DATA);
            byte[] bytes = data != null && data.isTextual() && !data.asText().isEmpty() && !o.has(FIELD) ? base64(data.asText()) : null;
            if (bytes != null) {
                JsonNode type = o.get("mimeType");
                EncodedMessage.Media m = EncodedMessage.Media.of(bytes,
                        type != null && type.isTextual() ? type.asText() : "application/octet-stream");
                media.add(m);
                o.remove(DATA);
                o.put(FIELD, m.hash().hex());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                externalize(it.next().getValue(), media);
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode child : node) {
                externalize(child, media);
            }
        }
    }

    /**
     * @return the bytes, or null when the text is not canonical base64 (then it stays inline, so that
     *         it comes back exactly as it was given)
     */
    private static byte[] base64(String text) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            return Base64.getEncoder().encodeToString(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Puts the bytes of each blob reference under {@code node} back inline. */
    static void internalize(JsonNode node, MessageCodec.BlobSource blobs) {
        if (node instanceof ObjectNode o) {
            JsonNode ref = o.get(FIELD);
            if (ref != null && ref.isTextual() && ref.asText().matches("[0-9a-f]{64}") && !o.has(DATA)) {
                byte[] bytes = blobs.load(ContentHash.parse(ref.asText()));
                o.remove(FIELD);
                o.put(DATA, Base64.getEncoder().encodeToString(bytes));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                internalize(it.next().getValue(), blobs);
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode child : node) {
                internalize(child, blobs);
            }
        }
    }
}
