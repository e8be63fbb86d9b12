package dev.cairn.persistence.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The storage behind a session (issue 19): rows in chunks, references made where set, pages that
 * grow from a few KiB, and a session that spans several chunks read and vacuumed whole.
 */
class StorageLayoutTest {

    @Test
    void rowsKeepEveryWordAcrossChunksAndMoveAndClearByRow() {
        Rows rows = new Rows(3);
        int n = 3 * (1 << 16) + 5; // several chunks at any region size this JVM may pick
        for (int r = 0; r < n; r++) {
            rows.ensure(r);
            rows.set(r, 0, r);
            rows.set(r, 1, -r);
            rows.set(r, 2, Rows.pack(r, ~r));
        }
        for (int r = 0; r < n; r++) {
            assertEquals(r, rows.get(r, 0));
            assertEquals(-r, rows.get(r, 1));
            assertEquals(r, Rows.high(rows.get(r, 2)));
            assertEquals(~r, Rows.low(rows.get(r, 2)));
        }
        rows.move(n - 1, 0);
        assertEquals(n - 1, rows.get(0, 0));
        rows.clear(1, n);
        assertEquals(0, rows.get(n - 1, 0));
        assertEquals(0, rows.get(1, 2));
    }

    @Test
    void refsAreNullWhereUnsetAndKeptWhereSet() {
        Refs<String> refs = new Refs<>();
        assertNull(refs.get(0));
        assertNull(refs.get(1 << 20));
        refs.set(5, "five");
        refs.set(100_000, "far");
        refs.set(4095, "edge");
        refs.set(4096, "next chunk");
        assertEquals("five", refs.get(5));
        assertEquals("far", refs.get(100_000));
        assertEquals("edge", refs.get(4095));
        assertEquals("next chunk", refs.get(4096));
        assertNull(refs.get(6));
        assertNull(refs.get(99_999));
        refs.set(200_000, null);
        assertNull(refs.get(200_000));
        refs.clear(0, 100_001);
        assertNull(refs.get(100_000));
        assertNull(refs.get(5));
    }

    @Test
    void regionSizeFollowsG1sErgonomicRule() {
        assertEquals(1L << 20, LargeArrays.region(256L << 20));
        assertEquals(4L << 20, LargeArrays.region(6L << 30));
        assertEquals(8L << 20, LargeArrays.region(16L << 30));
        assertEquals(32L << 20, LargeArrays.region(1L << 40));
        assertTrue(LargeArrays.BYTES >= (1 << 20) - 16);
    }

    @Test
    void pagesStartSmallAndBytesSurviveEveryPageBoundary() {
        Arena arena = new Arena();
        List<Long> at = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] b = ("payload " + i + " " + "x".repeat(i % 300)).getBytes(StandardCharsets.US_ASCII);
            NewNode node = NewNode.root("id" + i, NodeKind.USER_INPUT, b);
            at.add(arena.put(node, node.nodeId()));
            expected.add(b);
        }
        assertEquals(Arena.FIRST, arena.pageLength(0), "a small session keeps a small first page");
        for (int i = 0; i < expected.size(); i++) {
            byte[] b = expected.get(i);
            assertArrayEquals(b, arena.copy(at.get(i), b.length));
            assertEquals("id" + i, arena.ascii(at.get(i) + b.length, ("id" + i).length()));
        }
        byte[] big = new byte[LargeArrays.BYTES]; // over half the largest page: a page of its own
        big[big.length - 1] = 7;
        long bigAt = arena.put(NewNode.root("big", NodeKind.USER_INPUT, big), "big");
        assertEquals(7, arena.copy(bigAt, big.length)[big.length - 1]);
        assertEquals("big", arena.ascii(bigAt + big.length, 3));
    }

    @Test
    void theIndexFindsEveryIdWhileItGrowsIncrementally() {
        NodeTable table = new NodeTable(new Arena());
        int n = 70_000;
        int growing = 0;
        byte[] payload = {1, 2, 3};
        for (int i = 0; i < n; i++) {
            String id = "id" + i;
            assertEquals(-1, table.find(id), "not added yet");
            assertEquals(i, table.add(NewNode.root(id, NodeKind.USER_INPUT, payload), -1, i + 1L, 0));
            if (table.indexGrowing()) {
                growing++;
            }
            // The newest, the oldest and one in between, whether moved to the new table yet or not.
            assertEquals(i, table.find(id));
            assertEquals(0, table.find("id0"));
            assertEquals(i / 2, table.find("id" + i / 2));
            assertEquals(-1, table.find("id" + (i + 1)));
        }
        assertTrue(growing > 1_000, "the index moved entries over many adds: " + growing);
        for (int i = 0; i < n; i++) {
            assertEquals(i, table.find("id" + i));
        }
    }

    @Test
    void aSessionOfSeveralChunksReadsAndVacuumsWhole() {
        try (MemorySessionStoreFactory factory = new MemorySessionStoreFactory()) {
            RuntimePersistence store = factory.createStore(SessionStoreCreateRequest.of("s"));
            int n = 140_000; // more than two row chunks at a 4 MiB region
            int batch = 1_000;
            long rev = 0;
            for (int done = 0; done < n; done += batch) {
                RuntimeCommit.Builder b = RuntimeCommit.expecting(rev);
                for (int i = done; i < done + batch; i++) {
                    String id = "n" + i;
                    b.append(i == 0 ? NewNode.root(id, NodeKind.USER_INPUT, payload(i))
                            : NewNode.child(id, "n" + (i - 1), NodeKind.USER_INPUT, payload(i)));
                    if (i % 7 == 0) {
                        b.usage(id, "m" + (i % 3), TokenUsage.of(i, 1));
                    }
                }
                rev = store.commitRuntimeState(b.head("n" + (done + batch - 1)).build()).revision();
            }
            // A side branch from the middle, then tombstoned, detached and vacuumed away.
            String mid = "n" + (n / 2);
            rev = store.commitRuntimeState(RuntimeCommit.expecting(rev)
                    .append(NewNode.child("side", mid, NodeKind.USER_INPUT, payload(-1))).build()).revision();
            assertEquals(1, store.tombstoneNodes(List.of("side")));
            assertEquals(1, store.gcUnreachable().nodesDetached());
            assertEquals(1, store.vacuum().nodesRemoved());

            PersistedSessionRead path = store.loadSession(SessionReadScope.activePath()).orElseThrow();
            assertEquals(n, path.nodes().size());
            for (int i = 0; i < n; i += 9_973) {
                SessionNode node = path.nodes().get(i);
                assertEquals("n" + i, node.nodeId());
                assertArrayEquals(payload(i), node.payload());
                assertEquals(i + 1L, node.seq());
            }
            SessionNode last = path.nodes().get(n - 1);
            assertEquals("n" + (n - 2), last.parentNodeId().orElseThrow());
            assertEquals((n + 6) / 7, path.usage().turns().size());
            assertEquals("n" + (n - 1) / 7 * 7, path.usage().turns().get(path.usage().turns().size() - 1).nodeId());
            store.commitRuntimeState(RuntimeCommit.expecting(rev)
                    .append(NewNode.child("side", mid, NodeKind.USER_INPUT, payload(-2))).build());
            assertArrayEquals(payload(-2), store.loadSession(SessionReadScope.fullGraph()).orElseThrow()
                    .nodes().get(n).payload(), "the freed id is taken by the new node, after the kept ones");
        }
    }

    private static byte[] payload(int i) {
        return ("{\"i\":" + i + "}").getBytes(StandardCharsets.US_ASCII);
    }
}
