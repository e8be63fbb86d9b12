package dev.cairn.persistence.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The leaf-walking derivation agrees with one {@code activePathTo} read per node. */
class CheckpointIndexTest {
    @Test
    void agreesWithTheNaiveDerivationOnRandomTrees() {
        for (long seed = 1; seed <= 20; seed++) {
            try (SessionStoreFactory f = SessionStores.open("memory:");
                 RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s"))) {
                build(s, new Random(seed));
                List<SessionNode> nodes = s.loadSession(SessionReadScope.fullGraphWithTombstones()).orElseThrow().nodes();
                assertEquals(naive(s, nodes), CheckpointIndex.perNode(s, nodes), "seed " + seed);
            }
        }
    }

    @Test
    void aSessionWithoutCheckpointsHasNone() {
        try (SessionStoreFactory f = SessionStores.open("memory:");
             RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s"))) {
            s.commitRuntimeState(RuntimeCommit.expecting(0).append(NewNode.root("a", NodeKind.USER_INPUT, new byte[0]))
                    .head("a").build());
            var nodes = s.loadSession(SessionReadScope.fullGraph()).orElseThrow().nodes();
            assertEquals(Map.of(), CheckpointIndex.perNode(s, nodes));
        }
    }

    private static void build(RuntimePersistence s, Random rnd) {
        List<String> ids = new ArrayList<>();
        long rev = 0;
        for (int i = 0; i < 60; i++) {
            String id = "n" + i;
            RuntimeCommit.Builder b = RuntimeCommit.expecting(rev);
            if (ids.isEmpty() || rnd.nextInt(10) == 0) {
                b.append(NewNode.root(id, NodeKind.USER_INPUT, new byte[] {(byte) i}));
            } else {
                String parent = rnd.nextInt(3) == 0 ? ids.get(rnd.nextInt(ids.size())) : ids.get(ids.size() - 1);
                b.append(NewNode.child(id, parent, NodeKind.USER_INPUT, new byte[] {(byte) i}));
            }
            ids.add(id);
            if (rnd.nextInt(3) == 0) {
                b.head(id);
                for (String slot : List.of("a", "b", "c")) {
                    if (rnd.nextBoolean()) {
                        b.checkpoint(slot, (slot + i).getBytes(UTF_8));
                    }
                }
            }
            rev = s.commitRuntimeState(b.build()).revision();
        }
        String head = s.loadSession(SessionReadScope.activePath()).orElseThrow().head().nodeId().orElse(null);
        if (head != null) {
            for (int k = 0; k < 3; k++) {
                String victim = ids.get(rnd.nextInt(ids.size()));
                boolean onPath = s.loadSession(SessionReadScope.activePath()).orElseThrow().nodes().stream()
                        .anyMatch(n -> n.nodeId().equals(victim));
                if (!onPath) {
                    s.tombstoneNodes(List.of(victim));
                }
            }
        }
    }

    private static Map<String, Map<String, CheckpointSlot>> naive(RuntimePersistence s, List<SessionNode> nodes) {
        Map<String, Map<String, CheckpointSlot>> out = new LinkedHashMap<>();
        for (SessionNode n : nodes) {
            if (n.tombstoned()) {
                continue;
            }
            PersistedSessionRead r = s.loadSession(SessionReadScope.activePathTo(n.nodeId())).orElseThrow();
            Map<String, CheckpointSlot> own = new TreeMap<>();
            r.checkpoint().slots().values().stream().filter(x -> x.nodeId().equals(n.nodeId()))
                    .forEach(x -> own.put(x.slot(), x));
            if (!own.isEmpty()) {
                out.put(n.nodeId(), own);
            }
        }
        assertFalse(nodes.isEmpty());
        return out;
    }
}
