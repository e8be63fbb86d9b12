package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit ({@link Database#commit}): commits that queue while a write transaction runs share
 * the next one, each in a savepoint, with one {@code COMMIT}. The tests queue requests behind a held
 * write lock, so a batch is certain, not a matter of timing.
 */
class GroupCommitTest {
    private static final byte[] ONE = {1};
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Holds the writer lock (as a running write transaction would) until {@link #release()}. */
    private final class Holder implements AutoCloseable {
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Future<?> task;

        Holder(Database db) throws InterruptedException {
            task = pool.submit(() -> db.writeUnsafe("hold the writer", tx -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertTrue(held.await(30, TimeUnit.SECONDS));
        }

        void release() throws Exception {
            release.countDown();
            task.get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            release.countDown();
        }
    }

    /** Submits a commit and waits until it is queued, so submissions queue in call order. */
    private Future<RuntimeCommitResult> queue(Database db, Callable<RuntimeCommitResult> commit) throws InterruptedException {
        int before = db.queuedForTest();
        Future<RuntimeCommitResult> f = pool.submit(commit);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (db.queuedForTest() <= before) {
            if (System.nanoTime() > deadline) {
                fail("the commit did not queue");
            }
            Thread.sleep(1);
        }
        return f;
    }

    private static <T extends Throwable> T failure(Class<T> type, Future<?> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(type, e.getCause());
        }
        return fail("expected " + type.getSimpleName());
    }

    private static RuntimeCommit append(long expected, String id, String parent) {
        NewNode n = parent == null ? NewNode.root(id, NodeKind.USER_INPUT, ONE) : NewNode.child(id, parent, NodeKind.USER_INPUT, ONE);
        return RuntimeCommit.expecting(expected).append(n).head(id).build();
    }

    private static List<String> ids(RuntimePersistence s) {
        return s.loadSession(SessionReadScope.fullGraph()).orElseThrow().nodes().stream().map(SessionNode::nodeId).toList();
    }

    private static long revision(RuntimePersistence s) {
        return s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().head().revision();
    }

    @Test
    void commitsQueuedBehindARunningWriteShareOneTransaction() throws Exception {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("group"))) {
            Database db = f.database();
            List<RuntimePersistence> stores = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                stores.add(f.createStore(SessionStoreCreateRequest.of("s" + i)));
            }
            long batches = db.batchesForTest();
            long batched = db.batchedForTest();
            List<Future<RuntimeCommitResult>> results = new ArrayList<>();
            try (Holder h = new Holder(db)) {
                for (RuntimePersistence s : stores) {
                    results.add(queue(db, () -> s.commitRuntimeState(append(0, "a", null))));
                }
                h.release();
            }
            for (Future<RuntimeCommitResult> r : results) {
                assertEquals(1, r.get(30, TimeUnit.SECONDS).revision());
            }
            assertEquals(batches + 1, db.batchesForTest(), "the 8 queued commits ran in one batch");
            assertEquals(batched + 8, db.batchedForTest());
            for (RuntimePersistence s : stores) {
                assertEquals(List.of("a"), ids(s));
                assertEquals(1, revision(s));
            }
        }
    }

    @Test
    void requestsOfOneSessionInOneBatchBehaveAsIfSerializedInQueueOrder() throws Exception {
        Path dir = TestDirs.fresh("same");
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            Database db = f.database();
            RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s"));
            RuntimePersistence small = f.createStore(SessionStoreCreateRequest.of("t").withPolicy(new StorePolicy(4, 1 << 20)));
            RuntimeCommit keyed = RuntimeCommit.expecting(0).append(NewNode.root("a", NodeKind.USER_INPUT, ONE)).head("a")
                    .usage("a", "m", new TokenUsage(1, 2, 0, 0)).idempotencyKey("ka").build();
            RuntimeCommit keyedOther = RuntimeCommit.expecting(0).append(NewNode.root("other", NodeKind.USER_INPUT, ONE))
                    .idempotencyKey("ka").build();
            long batches = db.batchesForTest();
            Future<RuntimeCommitResult> a;
            Future<RuntimeCommitResult> b;
            Future<RuntimeCommitResult> conflict;
            Future<RuntimeCommitResult> replay;
            Future<RuntimeCommitResult> idemConflict;
            Future<RuntimeCommitResult> badParent;
            Future<RuntimeCommitResult> tooBig;
            Future<RuntimeCommitResult> c;
            Future<RuntimeCommitResult> t1;
            try (Holder h = new Holder(db)) {
                a = queue(db, () -> s.commitRuntimeState(keyed));
                b = queue(db, () -> s.commitRuntimeState(append(1, "b", "a")));
                conflict = queue(db, () -> s.commitRuntimeState(append(1, "x1", "a")));
                replay = queue(db, () -> s.commitRuntimeState(keyed));
                idemConflict = queue(db, () -> s.commitRuntimeState(keyedOther));
                badParent = queue(db, () -> s.commitRuntimeState(append(2, "x2", "missing")));
                tooBig = queue(db, () -> small.commitRuntimeState(RuntimeCommit.expecting(0)
                        .append(NewNode.root("big", NodeKind.USER_INPUT, new byte[5])).build()));
                c = queue(db, () -> s.commitRuntimeState(append(2, "c", "b")));
                t1 = queue(db, () -> small.commitRuntimeState(append(0, "t1", null)));
                h.release();
            }
            RuntimeCommitResult ra = a.get(30, TimeUnit.SECONDS);
            assertEquals(1, ra.revision());
            assertFalse(ra.replayed());
            assertEquals(2, b.get(30, TimeUnit.SECONDS).revision());
            RevisionConflictException rc = failure(RevisionConflictException.class, conflict);
            assertEquals(1, rc.expected());
            assertEquals(2, rc.actual(), "the conflict sees the commit queued before it in the same batch");
            RuntimeCommitResult rr = replay.get(30, TimeUnit.SECONDS);
            assertTrue(rr.replayed(), "the replay sees the key recorded earlier in the same batch");
            assertEquals(1, rr.revision());
            assertEquals(ra.committedAt(), rr.committedAt());
            failure(IdempotencyConflictException.class, idemConflict);
            assertTrue(failure(InvalidRequestException.class, badParent).getMessage().contains("missing"));
            assertTrue(failure(InvalidRequestException.class, tooBig).getMessage().contains("maxPayloadBytes"));
            assertEquals(3, c.get(30, TimeUnit.SECONDS).revision());
            assertEquals(1, t1.get(30, TimeUnit.SECONDS).revision());
            assertEquals(batches + 1, db.batchesForTest(), "all nine requests ran in one batch");
        }
        try (SqliteSessionStoreFactory again = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence s = again.openExisting("s").orElseThrow();
            PersistedSessionRead r = s.loadSession(SessionReadScope.fullGraph()).orElseThrow();
            assertEquals(3, r.head().revision());
            assertEquals(List.of("a", "b", "c"), r.nodes().stream().map(SessionNode::nodeId).toList());
            assertEquals(List.of(1L, 2L, 3L), r.nodes().stream().map(SessionNode::seq).toList(),
                    "failed requests in the batch used up no sequence numbers");
            assertEquals(new TokenUsage(1, 2, 0, 0), r.usage().total(), "the replay recorded no usage");
            assertEquals(List.of("t1"), ids(again.openExisting("t").orElseThrow()));
        }
    }

    @Test
    void aFailedCommitOfTheBatchFailsEveryRequestAndKeepsEveryEarlierCommit() throws Exception {
        Path dir = TestDirs.fresh("commitfails");
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            Database db = f.database();
            List<RuntimePersistence> stores = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s" + i));
                s.commitRuntimeState(append(0, "a", null));
                s.commitRuntimeState(append(1, "b", "a"));
                stores.add(s);
            }
            List<Future<RuntimeCommitResult>> results = new ArrayList<>();
            try (Holder h = new Holder(db)) {
                for (RuntimePersistence s : stores) {
                    results.add(queue(db, () -> s.commitRuntimeState(append(2, "c", "b"))));
                }
                results.add(queue(db, () -> stores.get(0).commitRuntimeState(append(0, "late", null))));
                db.failNextCommitForTest(new SQLException("disk I/O error", null, Errors.SQLITE_IOERR));
                h.release();
            }
            for (Future<RuntimeCommitResult> r : results) {
                PersistenceException e = failure(PersistenceException.class, r);
                assertTrue(e.getMessage().contains("I/O error"), e.getMessage());
            }
            for (RuntimePersistence s : stores) {
                assertEquals(2, revision(s));
                assertEquals(List.of("a", "b"), ids(s));
                assertTrue(s.loadNode("c").isEmpty());
            }
            // The store goes on working, and the failed commits can be retried.
            for (RuntimePersistence s : stores) {
                assertEquals(3, s.commitRuntimeState(append(2, "c", "b")).revision());
            }
        }
        try (SqliteSessionStoreFactory again = new SqliteSessionStoreFactory(dir)) {
            for (int i = 0; i < 3; i++) {
                RuntimePersistence s = again.openExisting("s" + i).orElseThrow();
                assertEquals(List.of("a", "b", "c"), ids(s));
                assertEquals(3, revision(s));
            }
        }
    }

    @Test
    void aFullDiskInTheMiddleOfABatchFailsThatCommitAndNoOtherIsHalfThere() throws Exception {
        Path dir = TestDirs.fresh("fullbatch");
        byte[] big = BlobIntegrityTest.random(1 << 20, 5);
        List<String> returned = new ArrayList<>();
        List<String> thrown = new ArrayList<>();
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            Database db = f.database();
            RuntimePersistence a = f.createStore(SessionStoreCreateRequest.of("a"));
            RuntimePersistence b = f.createStore(SessionStoreCreateRequest.of("b"));
            RuntimePersistence c = f.createStore(SessionStoreCreateRequest.of("c"));
            for (RuntimePersistence s : List.of(a, b, c)) {
                s.commitRuntimeState(append(0, "r", null));
            }
            db.limitGrowthForTest(8);
            Future<RuntimeCommitResult> fa;
            Future<RuntimeCommitResult> fb;
            Future<RuntimeCommitResult> fc;
            try (Holder h = new Holder(db)) {
                fa = queue(db, () -> a.commitRuntimeState(append(1, "n", "r")));
                fb = queue(db, () -> b.commitRuntimeState(RuntimeCommit.expecting(1)
                        .append(NewNode.child("huge", "r", NodeKind.TOOL_RESULT, big)).head("huge").build()));
                fc = queue(db, () -> c.commitRuntimeState(append(1, "n", "r")));
                h.release();
            }
            PersistenceException full = failure(PersistenceException.class, fb);
            assertTrue(full.getMessage().contains("disk is full"), full.getMessage());
            for (var e : List.of(java.util.Map.entry("a", fa), java.util.Map.entry("c", fc))) {
                try {
                    assertEquals(2, e.getValue().get(30, TimeUnit.SECONDS).revision());
                    returned.add(e.getKey());
                } catch (ExecutionException x) {
                    assertInstanceOf(PersistenceException.class, x.getCause());
                    thrown.add(e.getKey());
                }
            }
            assertTrue(b.loadNode("huge").isEmpty());
            assertEquals(1, revision(b));
        }
        try (SqliteSessionStoreFactory again = new SqliteSessionStoreFactory(dir)) {
            for (String id : returned) {
                RuntimePersistence s = again.openExisting(id).orElseThrow();
                assertEquals(List.of("r", "n"), ids(s), id + " returned, so it is there");
                assertEquals(2, revision(s));
            }
            for (String id : thrown) {
                RuntimePersistence s = again.openExisting(id).orElseThrow();
                assertEquals(List.of("r"), ids(s), id + " failed, so nothing of it is there");
                assertEquals(1, revision(s));
            }
            assertEquals(List.of("r"), ids(again.openExisting("b").orElseThrow()));
        }
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertEquals("ok", rs.getString(1));
        }
    }

    @Test
    void aFailureThatEndsTheWholeTransactionFailsOnlyItsRequestAndTheOthersRunAgain() throws Exception {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("lost"))) {
            Database db = f.database();
            RuntimePersistence s1 = f.createStore(SessionStoreCreateRequest.of("s1"));
            RuntimePersistence s2 = f.createStore(SessionStoreCreateRequest.of("s2"));
            long retried = db.retriedForTest();
            Future<RuntimeCommitResult> a;
            Future<RuntimeCommitResult> culprit;
            Future<RuntimeCommitResult> conflict;
            Future<RuntimeCommitResult> c;
            try (Holder h = new Holder(db)) {
                a = queue(db, () -> s1.commitRuntimeState(append(0, "a", null)));
                // As SQLite does after some errors (IOERR, NOMEM, ...): the transaction is rolled back under the batch.
                culprit = queue(db, () -> db.<RuntimeCommitResult>commit("commit to session 's9'", tx -> {
                    tx.rollback();
                    throw new SQLException("disk I/O error", null, Errors.SQLITE_IOERR);
                }));
                conflict = queue(db, () -> s1.commitRuntimeState(append(0, "x", null)));
                c = queue(db, () -> s2.commitRuntimeState(append(0, "c", null)));
                h.release();
            }
            assertTrue(failure(PersistenceException.class, culprit).getMessage().contains("I/O error"));
            assertEquals(1, a.get(30, TimeUnit.SECONDS).revision());
            RevisionConflictException e = failure(RevisionConflictException.class, conflict);
            assertEquals(1, e.actual());
            assertEquals(1, c.get(30, TimeUnit.SECONDS).revision());
            assertEquals(retried + 1, db.retriedForTest(), "the batch ran again without the failed request");
            assertEquals(List.of("a"), ids(s1));
            assertEquals(List.of("c"), ids(s2));
            assertEquals(2, s1.commitRuntimeState(append(1, "b", "a")).revision());
        }
    }

    @Test
    void manyThreadsWithSomeInvalidCommitsLandEveryValidOneExactlyOnce() throws Exception {
        int owners = 12;
        int racers = 4;
        int commits = 150;
        Path dir = TestDirs.fresh("many");
        List<List<String>> expectedIds = new ArrayList<>();
        AtomicInteger sharedWins = new AtomicInteger();
        List<String> sharedWinners = java.util.Collections.synchronizedList(new ArrayList<>());
        long attempts;
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            Database db = f.database();
            long batched = db.batchedForTest();
            RuntimePersistence shared = f.createStore(SessionStoreCreateRequest.of("shared"));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> tasks = new ArrayList<>();
            for (int t = 0; t < owners; t++) {
                RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("own" + t));
                tasks.add(pool.submit(() -> {
                    go.await();
                    List<String> landed = new ArrayList<>();
                    String parent = null;
                    long rev = 0;
                    for (int i = 0; i < commits; i++) {
                        long at = rev;
                        int step = i;
                        if (i % 5 == 3) {
                            String bad = "bad" + i;
                            RevisionConflictException e = assertThrows(RevisionConflictException.class,
                                    () -> s.commitRuntimeState(append(at + 1, bad, null)));
                            assertEquals(at + 1, e.expected());
                            assertEquals(at, e.actual());
                        } else if (i % 5 == 4) {
                            String bad = "bad" + i;
                            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                                    () -> s.commitRuntimeState(append(at, bad, "missing" + step)));
                            assertTrue(e.getMessage().contains("missing" + i), e.getMessage());
                        } else {
                            String id = "n" + i;
                            RuntimeCommitResult r = s.commitRuntimeState(RuntimeCommit.expecting(rev)
                                    .append(parent == null ? NewNode.root(id, NodeKind.USER_INPUT, ONE)
                                            : NewNode.child(id, parent, NodeKind.USER_INPUT, ONE))
                                    .head(id).usage(id, "m", new TokenUsage(1, 1, 0, 0)).build());
                            assertEquals(rev + 1, r.revision());
                            assertFalse(r.replayed());
                            rev = r.revision();
                            parent = id;
                            landed.add(id);
                        }
                    }
                    return landed;
                }));
            }
            List<Future<?>> racing = new ArrayList<>();
            for (int t = 0; t < racers; t++) {
                int me = t;
                racing.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < commits; i++) {
                        long rev = revision(shared);
                        String id = "t" + me + "i" + i;
                        try {
                            assertEquals(rev + 1, shared.commitRuntimeState(append(rev, id, null)).revision());
                            sharedWins.incrementAndGet();
                            sharedWinners.add(id);
                        } catch (RevisionConflictException e) {
                            assertEquals(rev, e.expected());
                            assertTrue(e.actual() > rev);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<List<String>> t : tasks) {
                expectedIds.add(t.get(120, TimeUnit.SECONDS));
            }
            for (Future<?> t : racing) {
                t.get(120, TimeUnit.SECONDS);
            }
            attempts = (long) (owners + racers) * commits;
            assertEquals(batched + attempts, db.batchedForTest(), "every commit went through a batch once");
        }
        try (SqliteSessionStoreFactory again = new SqliteSessionStoreFactory(dir)) {
            for (int t = 0; t < owners; t++) {
                PersistedSessionRead r = again.openExisting("own" + t).orElseThrow().loadSession(SessionReadScope.fullGraph())
                        .orElseThrow();
                List<String> want = expectedIds.get(t);
                assertEquals(want, r.nodes().stream().map(SessionNode::nodeId).toList());
                assertEquals(want.size(), r.head().revision());
                assertEquals(want.get(want.size() - 1), r.head().nodeId().orElseThrow());
                for (int i = 0; i < r.nodes().size(); i++) {
                    assertEquals(i + 1, r.nodes().get(i).seq());
                }
                assertEquals(new TokenUsage(want.size(), want.size(), 0, 0), r.usage().total());
            }
            PersistedSessionRead sr = again.openExisting("shared").orElseThrow().loadSession(SessionReadScope.fullGraph())
                    .orElseThrow();
            assertEquals(sharedWins.get(), sr.head().revision());
            assertEquals(sharedWinners.stream().sorted().toList(),
                    sr.nodes().stream().map(SessionNode::nodeId).sorted().toList());
            assertEquals(sr.nodes().size(), sr.nodes().stream().map(SessionNode::nodeId)
                    .collect(Collectors.toMap(Function.identity(), x -> 1, Integer::sum)).size());
        }
    }

    @Test
    void closingTheFactoryFailsQueuedCommitsAndNoneHangs() throws Exception {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("closequeued"))) {
            Database db = f.database();
            List<RuntimePersistence> stores = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                stores.add(f.createStore(SessionStoreCreateRequest.of("s" + i)));
            }
            List<Future<RuntimeCommitResult>> results = new ArrayList<>();
            Future<?> closing;
            try (Holder h = new Holder(db)) {
                for (RuntimePersistence s : stores) {
                    results.add(queue(db, () -> s.commitRuntimeState(append(0, "a", null))));
                }
                closing = pool.submit(f::close);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!db.isClosed()) {
                    assertTrue(System.nanoTime() < deadline);
                    Thread.sleep(1);
                }
                h.release();
            }
            closing.get(30, TimeUnit.SECONDS);
            for (Future<RuntimeCommitResult> r : results) {
                failure(StoreClosedException.class, r);
            }
            assertThrows(StoreClosedException.class, () -> stores.get(0).commitRuntimeState(append(0, "b", null)));
        }
    }

    @Test
    void anInterruptedWaiterStillGetsItsOutcomeAndKeepsItsInterrupt() throws Exception {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("interrupt"))) {
            Database db = f.database();
            RuntimePersistence s1 = f.createStore(SessionStoreCreateRequest.of("s1"));
            RuntimePersistence s2 = f.createStore(SessionStoreCreateRequest.of("s2"));
            Future<RuntimeCommitResult> first;
            Future<Boolean> second;
            CountDownLatch started = new CountDownLatch(1);
            Thread[] waiter = new Thread[1];
            try (Holder h = new Holder(db)) {
                first = queue(db, () -> s1.commitRuntimeState(append(0, "a", null)));
                int before = db.queuedForTest();
                second = pool.submit(() -> {
                    waiter[0] = Thread.currentThread();
                    started.countDown();
                    assertEquals(1, s2.commitRuntimeState(append(0, "a", null)).revision());
                    return Thread.currentThread().isInterrupted();
                });
                assertTrue(started.await(30, TimeUnit.SECONDS));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (db.queuedForTest() <= before) {
                    assertTrue(System.nanoTime() < deadline);
                    Thread.sleep(1);
                }
                waiter[0].interrupt();
                h.release();
            }
            assertEquals(1, first.get(30, TimeUnit.SECONDS).revision());
            assertTrue(second.get(30, TimeUnit.SECONDS), "the interrupt is kept for the caller");
            assertEquals(List.of("a"), ids(s2));
        }
    }
}
