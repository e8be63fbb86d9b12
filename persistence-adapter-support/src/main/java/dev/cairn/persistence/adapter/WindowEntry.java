package dev.cairn.persistence.adapter;

import java.util.Objects;

/**
 * One message of a stored window: its node, the message as the framework has it, its encoding.
 *
 * @param nodeId the node
 * @param message the framework's message
 * @param encoded its encoding
 * @param <M> the framework's message type
 */
record WindowEntry<M>(String nodeId, M message, EncodedMessage encoded) {
    WindowEntry {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(encoded, "encoded");
    }
}
