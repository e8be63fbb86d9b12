package dev.cairn.persistence.langgraph4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.StoreCorruptedException;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.serializer.StateSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint as a Cairn node: the payload is a small JSON document (the checkpoint's id, node and
 * next node), the state is the configured serializer's bytes, attached to the node as a blob.
 */
final class CheckpointCodec {
    static final NodeKind KIND = NodeKind.of("lg4j.checkpoint");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateSerializer<?> serializer;

    CheckpointCodec(StateSerializer<?> serializer) {
        this.serializer = serializer;
    }

    byte[] payload(Checkpoint checkpoint) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", checkpoint.getId());
        n.put("nodeId", checkpoint.getNodeId());
        n.put("nextNodeId", checkpoint.getNextNodeId());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    byte[] state(Checkpoint checkpoint) {
        try {
            return serializer.dataToBytes(checkpoint.getState());
        } catch (IOException e) {
            throw new InvalidRequestException("the state of checkpoint " + checkpoint.getId()
                    + " cannot be serialized by " + serializer.getClass().getName() + ": " + e.getMessage());
        }
    }

    String mediaType() {
        String type = serializer.contentType();
        return type != null && type.indexOf('/') > 0 ? type : BlobRef.OCTET_STREAM;
    }

    /** The LangGraph4j checkpoint id a node carries. */
    static String checkpointId(SessionNode node) {
        return read(node).path("id").asText();
    }

    Checkpoint decode(RuntimePersistence store, SessionNode node) {
        JsonNode p = read(node);
        if (node.attachments().isEmpty()) {
            throw new StoreCorruptedException("checkpoint node " + node.nodeId() + " of " + store.sessionId() + " has no state blob");
        }
        BlobRef ref = node.attachments().get(0);
        byte[] bytes = store.loadBlob(ref.hash()).orElseThrow(() -> new StoreCorruptedException("state blob " + ref.hash()
                + " of checkpoint node " + node.nodeId() + " in " + store.sessionId() + " is missing"));
        Map<String, Object> state;
        try {
            state = serializer.dataFromBytes(bytes);
        } catch (IOException | ClassNotFoundException e) {
            throw new StoreCorruptedException("the state of checkpoint node " + node.nodeId() + " in " + store.sessionId()
                    + " cannot be read by " + serializer.getClass().getName() + ": " + e.getMessage());
        }
        return Checkpoint.builder().id(p.path("id").asText()).state(state)
                .nodeId(text(p, "nodeId").orElse(null)).nextNodeId(text(p, "nextNodeId").orElse(null)).build();
    }

    private static Optional<String> text(JsonNode p, String field) {
        JsonNode v = p.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static JsonNode read(SessionNode node) {
        try {
            return JSON.readTree(node.payload());
        } catch (IOException e) {
            throw new StoreCorruptedException("checkpoint node " + node.nodeId() + " is not JSON: " + e.getMessage());
        }
    }
}
