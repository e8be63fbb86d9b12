package dev.cairn.persistence.memory;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers shared by the tests of this module. */
final class Fixtures {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private Fixtures() {
    }

    static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    /** @return a {@code memory:NAME} name no other test uses */
    static String uniqueName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    /** Appends a chain of nodes under the head, one commit each, moving the head to each. */
    static RuntimeCommitResult chain(RuntimePersistence store, long revision, String parent, String... ids) {
        RuntimeCommitResult last = null;
        String p = parent;
        long rev = revision;
        for (String id : ids) {
            NewNode node = p == null ? NewNode.root(id, NodeKind.USER_INPUT, bytes("{\"id\":\"" + id + "\"}"))
                    : NewNode.child(id, p, NodeKind.USER_INPUT, bytes("{\"id\":\"" + id + "\"}"));
            last = store.commitRuntimeState(RuntimeCommit.expecting(rev).append(node).head(id).build());
            rev = last.revision();
            p = id;
        }
        return last;
    }
}
