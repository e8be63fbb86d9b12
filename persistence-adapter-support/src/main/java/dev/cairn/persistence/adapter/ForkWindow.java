package dev.cairn.persistence.adapter;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The window of a fresh fork. A fork carries the nearest window slot on its path; when the fork node
 * is not the node that slot was committed at (the fork node was appended in the middle of a commit),
 * the messages between the two were added to the window after it, so the fork's window is that
 * slot's window grown by them (a marker in between starts it afresh).
 */
final class ForkWindow {
    private ForkWindow() {
    }

    /** @return the description to commit on the fork, or empty when the carried slot is right as it is */
    static Optional<WindowDescription> at(RuntimePersistence fork, String slot, Predicate<NodeKind> isMessage) {
        PersistedSessionRead head = fork.loadSession(SessionReadScope.activePathTail(1)).orElseThrow();
        Optional<CheckpointSlot> s = head.checkpoint().slot(slot);
        String forkNode = head.head().nodeId().orElseThrow();
        if (s.isPresent() && s.get().nodeId().equals(forkNode)) {
            return Optional.empty();
        }
        WindowDescription base = s.isPresent() ? WindowReader.describe(fork, s.get().blob().hash()) : WindowDescription.EMPTY;
        String from = s.map(CheckpointSlot::nodeId).orElse(null);
        for (int n = 64; ; n *= 16) {
            List<SessionNode> nodes = fork.loadSession(SessionReadScope.activePathTail(n)).orElseThrow().nodes();
            int start = -1;
            for (int i = nodes.size() - 1; i >= 0 && from != null; i--) {
                if (nodes.get(i).nodeId().equals(from)) {
                    start = i;
                    break;
                }
            }
            if (start < 0 && from != null && nodes.size() == n) {
                continue; // the slot's node is further back
            }
            int tail = base.tail();
            List<WindowDescription.Pinned> pinned = base.pinned();
            for (int i = start + 1; i < nodes.size(); i++) {
                SessionNode node = nodes.get(i);
                if (node.kind().equals(NodeKind.MODE_EVENT) && (Arrays.equals(node.payload(), WindowUpdate.RESET_MARKER)
                        || Arrays.equals(node.payload(), WindowUpdate.CLEAR_MARKER))) {
                    tail = 0;
                    pinned = List.of();
                } else if (isMessage.test(node.kind())) {
                    tail++;
                }
            }
            return Optional.of(new WindowDescription(tail, pinned));
        }
    }
}
