package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Factories on one directory share the database; SQLite's file lock keeps compare-and-set exact. */
class MultiFactoryTest {

    @Test
    void commitsRacingFromTwoFactoriesHaveOneWinnerPerRevision() throws Exception {
        Path dir = TestDirs.fresh("multi");
        try (SqliteSessionStoreFactory a = new SqliteSessionStoreFactory(dir);
             SqliteSessionStoreFactory b = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence sa = a.createStore(SessionStoreCreateRequest.of("s"));
            RuntimePersistence sb = b.openExisting("s").orElseThrow();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int round = 0; round < 20; round++) {
                    long expected = round;
                    CountDownLatch go = new CountDownLatch(1);
                    AtomicInteger wins = new AtomicInteger();
                    List<Future<?>> tasks = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
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
            } finally {
                pool.shutdownNow();
            }
            assertEquals(20, sb.loadSession(SessionReadScope.fullGraph()).orElseThrow().nodes().size());
            assertEquals(20, sa.loadSession(SessionReadScope.activePath()).orElseThrow().head().revision());
        }
    }

    @Test
    void aWriteWaitsForAnotherProcessesLockUpToTheBusyTimeout() throws Exception {
        Path dir = TestDirs.fresh("busy");
        try (SqliteSessionStoreFactory patient = new SqliteSessionStoreFactory(dir);
             SqliteSessionStoreFactory hasty = new SqliteSessionStoreFactory(dir,
                     SqliteOptions.DEFAULTS.withBusyTimeout(Duration.ofMillis(50)));
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement lock = other.createStatement()) {
            RuntimePersistence s = patient.createStore(SessionStoreCreateRequest.of("s"));
            RuntimePersistence h = hasty.openExisting("s").orElseThrow();
            lock.execute("BEGIN IMMEDIATE");
            PersistenceException e = assertThrows(PersistenceException.class, () -> h.commitRuntimeState(
                    RuntimeCommit.expecting(0).append(NewNode.root("x", NodeKind.USER_INPUT, new byte[0])).build()));
            assertTrue(e.getMessage().contains("busy timeout"), e.getMessage());
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    lock.execute("COMMIT");
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            release.start();
            s.commitRuntimeState(RuntimeCommit.expecting(0).append(NewNode.root("y", NodeKind.USER_INPUT, new byte[0])).build());
            release.join();
            assertTrue(h.loadNode("x").isEmpty());
            assertTrue(h.loadNode("y").isPresent());
        }
    }
}
