package dev.cairn.persistence.adapter;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreCorruptedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The window of a fresh fork. A fork copies the nearest window slot on its path, which was committed
 * at an earlier head; the messages between that head and the fork node were appended after it. So the
 * fork's window is that slot's window plus those messages (a marker in between starts it afresh).
 */
final class ForkWindow {
    private ForkWindow() {
    }

    static List<String> windowAt(RuntimePersistence fork, String slot, Set<NodeKind> kinds) {
        PersistedSessionRead head = fork.loadSession(SessionReadScope.activePathTail(1)).orElseThrow();
        Optional<CheckpointSlot> s = head.checkpoint().slot(slot);
        String forkNode = head.head().nodeId().orElseThrow();
        List<String> window = new ArrayList<>();
        String from = null;
        if (s.isPresent()) {
            byte[] bytes = fork.loadBlob(s.get().blob().hash())
                    .orElseThrow(() -> new StoreCorruptedException("the window slot's blob is missing"));
            window.addAll(ViewCodec.decode(bytes));
            from = s.get().nodeId();
            if (from.equals(forkNode)) {
                return window;
            }
        }
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
            for (int i = start + 1; i < nodes.size(); i++) {
                SessionNode node = nodes.get(i);
                if (node.kind().equals(NodeKind.MODE_EVENT) && (Arrays.equals(node.payload(), WindowUpdate.RESET_MARKER)
                        || Arrays.equals(node.payload(), WindowUpdate.CLEAR_MARKER))) {
                    window.clear();
                } else if (kinds.contains(node.kind())) {
                    window.add(node.nodeId());
                }
            }
            return window;
        }
    }
}
