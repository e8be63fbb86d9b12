package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two factories, each with its own pools, on one schema: two instances of a service behind a load
 * balancer. Compare-and-set, idempotency keys and blob sharing hold between them as within one.
 */
class MultiInstanceTest {

    @Test
    void commitsRacingFromTwoInstancesHaveOneWinnerPerRevision() throws Exception {
        String location = Pg.freshLocation("multi", "writers=4");
        try (PostgresSessionStoreFactory a = Pg.open(location); PostgresSessionStoreFactory b = Pg.open(location)) {
            RuntimePersistence sa = a.createStore(SessionStoreCreateRequest.of("s"));
            RuntimePersistence sb = b.openExisting("s").orElseThrow();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                int rounds = 30;
                for (int round = 0; round < rounds; round++) {
                    long expected = round;
                    CountDownLatch go = new CountDownLatch(1);
                    AtomicInteger wins = new AtomicInteger();
                    List<Future<?>> tasks = new ArrayList<>();
                    for (int t = 0; t < 6; t++) {
                        RuntimePersistence s = t % 2 == 0 ? sa : sb;
                        String id = "r" + round + "t" + t;
                        tasks.add(pool.submit(() -> {
                            go.await();
                            try {
                                s.commitRuntimeState(RuntimeCommit.expecting(expected)
                                        .append(NewNode.root(id, NodeKind.USER_INPUT, new byte[] {1})).build());
                                wins.incrementAndGet();
                            } catch (RevisionConflictException e) {
                                assertEquals(expected, e.expected());
                                assertEquals(expected + 1, e.actual());
                            }
                            return null;
                        }));
                    }
                    go.countDown();
                    for (Future<?> f : tasks) {
                        f.get();
                    }
                    assertEquals(1, wins.get(), "winners of round " + round);
                }
                assertEquals(rounds, sb.loadSession(SessionReadScope.fullGraph()).orElseThrow().nodes().size());
                assertEquals(rounds, sa.loadSession(SessionReadScope.activePath()).orElseThrow().head().revision());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aRetryOnAnotherInstanceReplaysTheFirstCommit() throws Exception {
        String location = Pg.freshLocation("idem", "");
        try (PostgresSessionStoreFactory a = Pg.open(location); PostgresSessionStoreFactory b = Pg.open(location)) {
            RuntimePersistence sa = a.createStore(SessionStoreCreateRequest.of("s"));
            RuntimePersistence sb = b.openExisting("s").orElseThrow();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 10; round++) {
                    String key = "turn-" + round;
                    String node = "n" + round;
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<RuntimeCommitResult>> tasks = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        RuntimePersistence s = t % 2 == 0 ? sa : sb;
                        tasks.add(pool.submit(() -> {
                            go.await();
                            return s.commitRuntimeState(RuntimeCommit.unconditional()
                                    .append(NewNode.root(node, NodeKind.USER_INPUT, new byte[] {2})).head(node)
                                    .idempotencyKey(key).build());
                        }));
                    }
                    go.countDown();
                    int originals = 0;
                    long revision = -1;
                    for (Future<RuntimeCommitResult> f : tasks) {
                        RuntimeCommitResult r = f.get();
                        if (!r.replayed()) {
                            originals++;
                        }
                        if (revision < 0) {
                            revision = r.revision();
                        }
                        assertEquals(revision, r.revision(), "every retry returns the first commit's revision");
                    }
                    assertEquals(1, originals, "commits applied for key " + key);
                }
                assertEquals(10, sa.loadSession(SessionReadScope.fullGraph()).orElseThrow().nodes().size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Instance A commits a reference to a stored blob at the moment instance B removes the blob's
     * last other reference. Even rounds: B deletes another session that attached the blob while A's
     * commit carries the same bytes (the row exists, so the commit only locks it), and the commit
     * always wins with its blob kept. Odd rounds: A's session itself attached the blob on a node B
     * then tombstones and gc's while A's commit names the blob without its bytes (rule 6 allows
     * that for a blob of the session); either the commit wins and the blob stays, or gc wins and the
     * commit is refused; never a committed node whose blob is gone.
     */
    @Test
    void gcAndDeleteOnOneInstanceNeverTakeABlobACommitOnAnotherReferences() throws Exception {
        String location = Pg.freshLocation("gcrace", "");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (PostgresSessionStoreFactory a = Pg.open(location); PostgresSessionStoreFactory b = Pg.open(location)) {
            int committedRounds = 0;
            int refusedRounds = 0;
            for (int round = 0; round < 120; round++) {
                byte[] content = ("content of round " + round + " ").repeat(40).getBytes(StandardCharsets.UTF_8);
                boolean byDelete = round % 2 == 0;
                String ownerId = byDelete ? "owner-" + round : "user-" + round;
                RuntimePersistence owner = b.createStore(SessionStoreCreateRequest.of(ownerId));
                RuntimeCommit.Builder first = RuntimeCommit.expecting(0);
                BlobRef ref = first.attach(content, BlobRef.OCTET_STREAM);
                owner.commitRuntimeState(first.append(NewNode.root("o", NodeKind.TOOL_RESULT, new byte[] {1}, ref))
                        .append(NewNode.root("p", NodeKind.USER_INPUT, new byte[] {2})).head("p").build());
                if (!byDelete) {
                    owner.tombstoneNodes(List.of("o"));
                }
                RuntimePersistence user = a.createStore(SessionStoreCreateRequest.of("user-" + round));
                long userRev = byDelete ? 0 : 1;
                CountDownLatch go = new CountDownLatch(1);
                int delayMicros = (round * 37) % 400;
                Future<Boolean> commit = pool.submit(() -> {
                    go.await();
                    try {
                        RuntimeCommit.Builder c = RuntimeCommit.expecting(userRev);
                        BlobRef named = byDelete ? c.attach(content, BlobRef.OCTET_STREAM) : ref;
                        user.commitRuntimeState(c.append(NewNode.root("u", NodeKind.TOOL_RESULT, new byte[] {3}, named))
                                .build());
                        return true;
                    } catch (dev.cairn.persistence.InvalidRequestException e) {
                        assertTrue(!byDelete && e.getMessage().contains("neither carried by the commit nor referenced"),
                                e.getMessage());
                        return false;
                    }
                });
                Future<?> removal = pool.submit(() -> {
                    go.await();
                    long until = System.nanoTime() + delayMicros * 1000L;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    if (byDelete) {
                        b.deleteSession(ownerId);
                    } else {
                        b.gcUnreachable();
                    }
                    return null;
                });
                go.countDown();
                boolean committed = commit.get();
                removal.get();
                if (committed) {
                    committedRounds++;
                    assertTrue(user.loadBlob(ref.hash()).isPresent(), "round " + round + " ("
                            + (byDelete ? "delete" : "gc") + "): node u of user-" + round + " references blob "
                            + ref.hash() + ", which the other instance removed");
                    a.gcUnreachable();
                    assertTrue(user.loadBlob(ref.hash()).isPresent(), "a referenced blob survives a later gc");
                } else {
                    refusedRounds++;
                    assertTrue(user.loadNode("u").isEmpty());
                }
                a.deleteSession("user-" + round);
                b.deleteSession(ownerId);
            }
            assertTrue(committedRounds > 0, "no round let the commit win; the race was not exercised");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSessionDeletedOnOneInstanceIsGoneForTheOther() {
        String location = Pg.freshLocation("del", "");
        try (PostgresSessionStoreFactory a = Pg.open(location); PostgresSessionStoreFactory b = Pg.open(location)) {
            RuntimePersistence sa = a.createStore(SessionStoreCreateRequest.of("s"));
            sa.commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.root("n", NodeKind.USER_INPUT, new byte[] {1})).build());
            assertTrue(b.deleteSession("s"));
            assertTrue(sa.loadSession(SessionReadScope.activePath()).isEmpty());
            try {
                sa.commitRuntimeState(RuntimeCommit.expecting(1)
                        .append(NewNode.root("m", NodeKind.USER_INPUT, new byte[] {1})).build());
                fail("a commit to a session deleted by another instance must fail");
            } catch (SessionNotFoundException expected) {
                assertEquals("s", expected.sessionId());
            }
        }
    }
}
