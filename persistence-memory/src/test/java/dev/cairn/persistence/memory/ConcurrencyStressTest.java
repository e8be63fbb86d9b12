package dev.cairn.persistence.memory;

import static dev.cairn.persistence.memory.Fixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writers commit to their own sessions while gc, vacuum and readers run. Each step of a writer stores
 * a blob through a side node, tombstones that node (so the blob is garbage for a moment) and then
 * commits a node that references the blob without carrying it: gc may win the race, and then the
 * commit must fail cleanly; if the commit wins, gc must never delete the blob afterwards (rule 16).
 */
class ConcurrencyStressTest {
    private static final int WRITERS = 4;
    private static final int STEPS = 150;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void commitsToDistinctSessionsRaceGcWithoutLosingBlobsOrRevisions() throws Exception {
        try (MemorySessionStoreFactory factory = new MemorySessionStoreFactory()) {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong gcRuns = new AtomicLong();
            AtomicLong lostRaces = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                RuntimePersistence store = factory.createStore(SessionStoreCreateRequest.of("writer-" + w));
                writers.add(thread(failures, start, () -> write(store, lostRaces, gcRuns)));
            }
            Thread gc = thread(failures, start, () -> {
                RuntimePersistence admin = factory.createStore(SessionStoreCreateRequest.of("admin"));
                while (writing.get()) {
                    admin.gcUnreachable();
                    if (gcRuns.incrementAndGet() % 10 == 0) {
                        admin.vacuum();
                    }
                }
            });
            Thread reader = thread(failures, start, () -> {
                List<RuntimePersistence> stores = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    stores.add(factory.openExisting("writer-" + w).orElseThrow());
                }
                while (writing.get()) {
                    for (RuntimePersistence s : stores) {
                        requireConsistentSnapshot(s.loadSession(SessionReadScope.activePath()).orElseThrow());
                    }
                }
            });
            start.countDown();
            for (Thread t : writers) {
                t.join();
            }
            writing.set(false);
            gc.join();
            reader.join();
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("a worker failed: " + failures.get(0), failures.get(0));
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
            assertTrue(gcRuns.get() > 0, "gc never ran while writers committed");

            RuntimePersistence check = factory.openExisting("writer-0").orElseThrow();
            check.gcUnreachable();
            for (int w = 0; w < WRITERS; w++) {
                RuntimePersistence s = factory.openExisting("writer-" + w).orElseThrow();
                PersistedSessionRead read = s.loadSession(SessionReadScope.fullGraph()).orElseThrow();
                assertEquals(3L * STEPS, read.head().revision(), "writer-" + w + ": every step made exactly 3 commits");
                assertEquals(STEPS, read.nodes().size(), "writer-" + w + ": side nodes were tombstoned and collected");
                for (SessionNode node : read.nodes()) {
                    for (BlobRef ref : node.attachments()) {
                        Optional<byte[]> blob = s.loadBlob(ref.hash());
                        assertTrue(blob.isPresent(), "blob of live node " + node.nodeId() + " was lost");
                        assertArrayEquals(bytes(node.nodeId()), blob.get());
                    }
                }
                for (int step = 0; step < STEPS; step++) {
                    assertTrue(s.loadBlob(ContentHash.of(bytes("writer-" + w + ":junk-" + step))).isEmpty(),
                            "a blob only a tombstoned node referenced must be gone after gc");
                }
            }
        }
    }

    private static void awaitGc(AtomicLong gcRuns) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gcRuns.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gc did not run within 30 s");
            }
            Thread.onSpinWait();
        }
    }

    private static void write(RuntimePersistence store, AtomicLong lostRaces, AtomicLong gcRuns) {
        String me = store.sessionId();
        long revision = 0;
        String head = null;
        for (int step = 0; step < STEPS; step++) {
            if (step == STEPS / 2) {
                awaitGc(gcRuns); // so gc surely overlaps the second half of every writer
            }
            String id = me + ":main-" + step;
            byte[] content = bytes(id);
            // 1. A side root carries the blob and a junk blob; it is not on the active path.
            RuntimeCommit.Builder side = RuntimeCommit.expecting(revision);
            BlobRef ref = side.attach(content, "text/plain");
            BlobRef junk = side.attach(bytes(me + ":junk-" + step), "text/plain");
            revision = expectNext(store.commitRuntimeState(
                    side.append(NewNode.root(me + ":side-" + step, NodeKind.TOOL_RESULT, bytes("side"), ref, junk))
                            .build()), revision);
            // 2. Tombstone it: now no live node references either blob.
            assertEquals(1, store.tombstoneNodes(List.of(me + ":side-" + step)));
            // 3. Reference the blob without carrying it; gc may have deleted it meanwhile.
            NewNode main = head == null ? NewNode.root(id, NodeKind.USER_INPUT, content, ref)
                    : NewNode.child(id, head, NodeKind.USER_INPUT, content, ref);
            RuntimeCommitResult r;
            try {
                r = store.commitRuntimeState(RuntimeCommit.expecting(revision).append(main).head(id).build());
            } catch (InvalidRequestException goneAlready) {
                lostRaces.incrementAndGet();
                RuntimeCommit.Builder again = RuntimeCommit.expecting(revision);
                again.attach(content, "text/plain");
                r = store.commitRuntimeState(again.append(main).head(id).build());
            }
            revision = expectNext(r, revision);
            head = id;
            // 4. An empty commit keeps the count of commits per step at exactly three.
            revision = expectNext(store.commitRuntimeState(RuntimeCommit.expecting(revision).build()), revision);
        }
    }

    private static long expectNext(RuntimeCommitResult result, long before) {
        assertEquals(before + 1, result.revision(), "each commit raises the revision by exactly one");
        return result.revision();
    }

    private static void requireConsistentSnapshot(PersistedSessionRead read) {
        List<SessionNode> nodes = read.nodes();
        if (read.head().nodeId().isEmpty()) {
            assertTrue(nodes.isEmpty(), "no head but nodes on the active path");
            return;
        }
        assertEquals(read.head().nodeId().get(), nodes.get(nodes.size() - 1).nodeId(), "head and path from two moments");
    }

    private static Thread thread(List<Throwable> failures, CountDownLatch start, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                start.await();
                body.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        t.start();
        return t;
    }
}
