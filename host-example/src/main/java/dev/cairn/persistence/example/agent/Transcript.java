package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.SessionHead;
import java.util.List;
import java.util.Objects;

/**
 * Nodes of a session read in one snapshot, with the head they were read at.
 *
 * @param chatId the session
 * @param head the head and revision of the snapshot
 * @param nodes the nodes, in the order of the read's scope
 */
public record Transcript(String chatId, SessionHead head, List<TranscriptNode> nodes) {
    /** Validates and copies. */
    public Transcript {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(head, "head");
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
    }
}
