package dev.cairn.persistence.langgraph4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.StoreCorruptedException;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.serializer.StateSerializer;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint as a Cairn node: the payload is a small JSON document (the checkpoint's id, node, next
 * node, and the content hash of its state); the state is the configured serializer's bytes, a blob
 * the session references through the checkpoint slot committed where that state first appeared on
 * the path (the node itself, or an ancestor when the state was unchanged).
 */
final class CheckpointCodec {
    static final NodeKind KIND = NodeKind.of("lg4j.checkpoint");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATE = "state";

    private final StateSerializer<?> serializer;

    CheckpointCodec(StateSerializer<?> serializer) {
        this.serializer = serializer;
    }

    /** The node's payload: the checkpoint's id, node, next node and the content hash of its state. */
    byte[] payload(Checkpoint checkpoint, ContentHash state) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", checkpoint.getId());
        n.put("nodeId", checkpoint.getNodeId());
        n.put("nextNodeId", checkpoint.getNextNodeId());
        n.put(STATE, state.hex());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new InvalidRequestException("checkpoint " + checkpoint.getId() + " cannot be written as JSON: " + e.getMessage());
        }
    }

    byte[] state(Checkpoint checkpoint) {
        try {
            return serializer.dataToBytes(checkpoint.getState());
        } catch (IOException e) {
            throw new InvalidRequestException("the state of checkpoint " + checkpoint.getId()
                    + " cannot be serialized by " + serializer.getClass().getName() + ": " + e.getMessage());
        }
    }

    /**
     * The content hash of a checkpoint node's state: named in its payload, or (nodes written before
     * the state moved to the slot alone) its attached blob.
     */
    static Optional<ContentHash> stateHash(SessionNode node) {
        return stateHash(read(node), node);
    }

    private static Optional<ContentHash> stateHash(JsonNode payload, SessionNode node) {
        JsonNode h = payload.get(STATE);
        if (h != null && h.isTextual()) {
            return Optional.of(ContentHash.parse(h.asText()));
        }
        return node.attachments().isEmpty() ? Optional.empty() : Optional.of(node.attachments().get(0).hash());
    }

    /** The LangGraph4j checkpoint id a node carries. */
    static String checkpointId(SessionNode node) {
        return read(node).path("id").asText();
    }

    Checkpoint decode(RuntimePersistence store, SessionNode node) {
        JsonNode p = read(node);
        ContentHash hash = stateHash(p, node).orElseThrow(() -> new StoreCorruptedException("checkpoint node "
                + node.nodeId() + " of " + store.sessionId() + " names no state blob"));
        byte[] bytes = store.loadBlob(hash).orElseThrow(() -> new StoreCorruptedException("state blob " + hash
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
