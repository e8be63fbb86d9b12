package dev.cairn.persistence.example.agent;

import java.util.List;
import java.util.Objects;

/**
 * The context of one model call and the snapshot it came from.
 *
 * @param messages the messages, oldest first
 * @param tokens their estimated size
 * @param nodesRead how many nodes the tail read returned
 * @param base the head, revision and checkpoint of the read
 */
record AssembledContext(List<ChatMessage> messages, int tokens, int nodesRead, StepBase base) {
    AssembledContext {
        messages = List.copyOf(messages);
        Objects.requireNonNull(base, "base");
    }
}
