package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Asserts that two sessions read the same: payloads, ids, parents, kinds, attachments (and their
 * blob bytes), tombstones, head, the checkpoint resolved on the active path and at every live node,
 * ledger totals, and metadata. Creation times and revisions may differ.
 */
final class SameReads {
    private SameReads() {
    }

    /** What must survive an export and import, per node. */
    record NodeView(String id, String parent, String kind, List<Byte> payload, List<BlobRef> attachments,
                    boolean tombstoned) {
        static NodeView of(SessionNode n) {
            List<Byte> p = new ArrayList<>();
            for (byte b : n.payload()) {
                p.add(b);
            }
            return new NodeView(n.nodeId(), n.parentNodeId().orElse(null), n.kind().name(), p, n.attachments(),
                    n.tombstoned());
        }
    }

    static void assertSame(String locationA, String idA, String locationB, String idB) {
        try (SessionStoreFactory fa = SessionStores.open(locationA); SessionStoreFactory fb = SessionStores.open(locationB);
             RuntimePersistence a = fa.openExisting(idA).orElseThrow();
             RuntimePersistence b = fb.openExisting(idB).orElseThrow()) {
            PersistedSessionRead ga = a.loadSession(SessionReadScope.fullGraphWithTombstones()).orElseThrow();
            PersistedSessionRead gb = b.loadSession(SessionReadScope.fullGraphWithTombstones()).orElseThrow();
            assertEquals(ga.nodes().stream().map(NodeView::of).toList(), gb.nodes().stream().map(NodeView::of).toList());
            assertEquals(ga.head().nodeId(), gb.head().nodeId());
            assertEquals(ga.usage().total(), gb.usage().total());
            assertEquals(ga.usage().byModel(), gb.usage().byModel());
            assertMeta(ga.meta(), gb.meta(), !idA.equals(idB));
            assertEquals(slots(a, SessionReadScope.activePath()), slots(b, SessionReadScope.activePath()));
            for (SessionNode n : ga.nodes()) {
                if (!n.tombstoned()) {
                    SessionReadScope to = SessionReadScope.activePathTo(n.nodeId());
                    assertEquals(slots(a, to), slots(b, to), "checkpoint at " + n.nodeId());
                }
                for (BlobRef r : n.attachments()) {
                    assertArrayEquals(a.loadBlob(r.hash()).orElseThrow(), b.loadBlob(r.hash()).orElseThrow());
                }
            }
            for (CheckpointSlot s : a.loadSession(SessionReadScope.activePath()).orElseThrow().checkpoint().slots()
                    .values()) {
                assertArrayEquals(a.loadBlob(s.blob().hash()).orElseThrow(), b.loadBlob(s.blob().hash()).orElseThrow());
            }
        }
    }

    private static Map<String, CheckpointSlot> slots(RuntimePersistence store, SessionReadScope scope) {
        return new TreeMap<>(store.loadSession(scope).orElseThrow().checkpoint().slots());
    }

    private static void assertMeta(SessionMeta a, SessionMeta b, boolean renamed) {
        if (!renamed) {
            assertEquals(a.sessionId(), b.sessionId());
        }
        assertEquals(a.name(), b.name());
        assertEquals(a.model(), b.model());
        assertEquals(a.cwd(), b.cwd());
        assertEquals(a.parentSessionId(), b.parentSessionId());
        assertEquals(a.attributes(), b.attributes());
    }
}
