package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.persistence.jdbc.StatementCachingDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The read pool's statement cache ({@link StatementCachingDataSource}) on sqlite-jdbc under HikariCP,
 * as the provider's read pool runs it: a statement is prepared once per physical connection, handed
 * back (not closed) when the pool's proxy closes it, closed for real when evicted or when the pool
 * retires the connection, never shared by two borrowers, and it holds no snapshot once handed back.
 */
class ReadStatementCacheTest {
    private static final String QUERY = "SELECT v FROM t WHERE k = ?";

    private Path file;
    /** Every statement the driver prepared, in order. */
    private final List<PreparedStatement> prepared = new ArrayList<>();

    @BeforeEach
    void createTable() throws SQLException {
        file = TestDirs.fresh("stmt-cache").resolve("t.db");
        try (Connection c = plain().getConnection(); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            for (int k = 1; k <= 100; k++) {
                s.execute("INSERT INTO t VALUES (" + k + ", 'v" + k + "')");
            }
        }
    }

    @AfterEach
    void clear() {
        prepared.clear();
    }

    private SQLiteDataSource plain() {
        return plain(false);
    }

    /** The driver's data source, read-only as the provider opens its readers. */
    private SQLiteDataSource plain(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }

    /** The driver's data source, recording each statement it prepares. */
    private DataSource counting() {
        SQLiteDataSource ds = plain(true);
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, a) -> {
                    Object out = invoke(ds, m, a);
                    if (out instanceof Connection c) {
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                                (p2, m2, a2) -> {
                                    Object r = invoke(c, m2, a2);
                                    if (r instanceof PreparedStatement ps) {
                                        synchronized (prepared) {
                                            prepared.add(ps);
                                        }
                                    }
                                    return r;
                                });
                    }
                    return out;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private HikariDataSource pool(int size, int perConnection) {
        HikariConfig hc = new HikariConfig();
        hc.setDataSource(new StatementCachingDataSource(counting(), perConnection));
        hc.setAutoCommit(false);
        hc.setReadOnly(true);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setRegisterMbeans(false);
        return new HikariDataSource(hc);
    }

    private static String value(Connection c, String sql, int k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, k);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void aStatementIsPreparedOncePerConnectionAndClosedWhenThePoolRetiresIt() throws SQLException {
        try (HikariDataSource pool = pool(1, 4)) {
            for (int k = 1; k <= 50; k++) {
                try (Connection c = pool.getConnection()) {
                    assertEquals("v" + k, value(c, QUERY, k));
                    c.rollback();
                }
            }
            assertEquals(1, prepared.size(), "one prepare for 50 reads on one connection");
            assertFalse(prepared.get(0).isClosed(), "kept while the connection lives");
            try (Connection c = pool.getConnection()) {
                assertEquals(1, StatementCachingDataSource.keptStatements(c.unwrap(Connection.class)));
                pool.evictConnection(c);
            }
            // the pool closes a retired connection on its own thread
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!prepared.get(0).isClosed() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertTrue(prepared.get(0).isClosed(), "closed with the connection the pool retired");
            try (Connection c = pool.getConnection()) {
                assertEquals("v7", value(c, QUERY, 7));
            }
            assertEquals(2, prepared.size(), "the new connection prepares its own");
        }
        assertTrue(prepared.get(1).isClosed(), "closing the pool closes the kept statements");
    }

    @Test
    void aStatementInUseIsNotHandedOutTwice() throws SQLException {
        try (HikariDataSource pool = pool(1, 4); Connection c = pool.getConnection()) {
            PreparedStatement outer = c.prepareStatement(QUERY);
            outer.setInt(1, 3);
            try (ResultSet rs = outer.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("v4", value(c, QUERY, 4), "a second borrower of the same text gets its own statement");
                assertEquals("v3", rs.getString(1), "the first one's row is untouched");
            }
            outer.close();
            assertEquals(2, prepared.size());
            assertTrue(prepared.get(1).isClosed(), "the extra one is closed for real");
            assertFalse(prepared.get(0).isClosed(), "the kept one is handed back");
            assertThrows(SQLException.class, () -> outer.setInt(1, 1), "a handed-back statement is closed to its borrower");
            assertTrue(outer.isClosed());
        }
    }

    @Test
    void aStaleHandleCannotTouchTheStatementLentToTheNextBorrower() throws SQLException {
        try (HikariDataSource pool = pool(1, 4); Connection c = pool.getConnection()) {
            PreparedStatement first = c.prepareStatement(QUERY);
            first.close();
            PreparedStatement second = c.prepareStatement(QUERY);
            assertEquals(1, prepared.size(), "the kept statement is lent again");
            second.setInt(1, 5);
            assertTrue(first.isClosed(), "the first borrower's handle stays closed");
            assertThrows(SQLException.class, () -> first.setInt(1, 9), "a stale handle cannot set a parameter");
            assertThrows(SQLException.class, first::executeQuery, "a stale handle cannot run the statement");
            try (ResultSet rs = second.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("v5", rs.getString(1), "the second borrower's parameter is untouched");
            }
            second.close();
        }
        prepared.clear();
        try (Connection c = new StatementCachingDataSource(counting(), 4).getConnection()) {
            PreparedStatement first = c.prepareStatement(QUERY);
            first.close();
            PreparedStatement second = c.prepareStatement(QUERY);
            first.close(); // a second close of the stale handle must not hand back the second borrower's lease
            PreparedStatement third = c.prepareStatement(QUERY);
            assertEquals(2, prepared.size(), "the statement in use is not lent a second time (one kept, one of the"
                    + " third borrower's own): " + prepared.size());
            second.setInt(1, 6);
            try (ResultSet rs = second.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("v6", rs.getString(1));
            }
            third.close();
            second.close();
        }
    }

    @Test
    void keepsAtMostItsCapacityEvictingTheLeastRecentlyUsed() throws SQLException {
        try (HikariDataSource pool = pool(1, 3); Connection c = pool.getConnection()) {
            for (int i = 0; i < 10; i++) {
                assertEquals("v" + (i + 1), value(c, QUERY + " AND " + i + " = " + i, i + 1));
            }
            Connection physical = c.unwrap(Connection.class);
            assertEquals(3, StatementCachingDataSource.keptStatements(physical));
            assertEquals(10, prepared.size());
            for (int i = 0; i < 7; i++) {
                assertTrue(prepared.get(i).isClosed(), "evicted statement " + i + " is closed");
            }
            assertEquals("v9", value(c, QUERY + " AND 8 = 8", 9));
            assertEquals(10, prepared.size(), "a kept one is reused");
        }
    }

    @Test
    void aHandedBackStatementHoldsNoSnapshot() throws SQLException {
        try (HikariDataSource pool = pool(1, 4)) {
            try (Connection c = pool.getConnection()) {
                PreparedStatement ps = c.prepareStatement("SELECT k FROM t ORDER BY k");
                ResultSet rs = ps.executeQuery();
                assertTrue(rs.next()); // left open, mid-scan, by a careless borrower
                ps.close();
                assertTrue(rs.isClosed(), "handing the statement back closes its result set");
                c.rollback();
            }
            try (Connection w = plain().getConnection(); Statement s = w.createStatement()) {
                s.execute("INSERT INTO t VALUES (101, 'v101')");
                try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    assertTrue(rs.next());
                    assertEquals(0, rs.getInt(1), "no reader blocks a full checkpoint");
                }
            }
            try (Connection c = pool.getConnection()) {
                assertEquals("v101", value(c, QUERY, 101), "the next read sees the new snapshot");
            }
        }
    }

    @Test
    void aStatementUsedForMoreThanQueriesIsNotKept() throws SQLException {
        try (HikariDataSource pool = pool(1, 4); Connection c = pool.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(QUERY)) {
                ps.setMaxRows(1);
                ps.setInt(1, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                }
            }
            assertTrue(prepared.get(0).isClosed(), "a statement with a setting of its own is closed");
            assertEquals(0, StatementCachingDataSource.keptStatements(c.unwrap(Connection.class)));
            assertEquals("v2", value(c, QUERY, 2));
            assertEquals(2, prepared.size());
        }
    }

    @Test
    void concurrentReadersEachGetTheirOwnRows() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try (HikariDataSource pool = pool(3, 4)) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                done.add(threads.submit(() -> {
                    int checked = 0;
                    for (int i = 0; i < 300; i++) {
                        int k = 1 + (seed * 31 + i * 7) % 100;
                        try (Connection c = pool.getConnection()) {
                            assertEquals("v" + k, value(c, QUERY, k));
                            assertEquals("v" + (101 - k), value(c, QUERY, 101 - k));
                            c.rollback();
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(300, f.get(60, TimeUnit.SECONDS));
            }
            assertTrue(prepared.size() <= 3, "at most one statement per connection: " + prepared.size());
        } finally {
            threads.shutdownNow();
        }
        for (PreparedStatement ps : prepared) {
            assertTrue(ps.isClosed(), "every kept statement is closed with its pool");
        }
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StatementCachingDataSource(plain(), 0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
