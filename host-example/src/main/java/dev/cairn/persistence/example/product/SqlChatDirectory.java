package dev.cairn.persistence.example.product;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chats table in SQL over JDBC: SQLite (a file in WAL mode, or in memory) or PostgreSQL (a
 * schema of its own in the store's database). Each change is one statement, so instances that share
 * the database never overwrite each other's rows; the turn count goes up with a conditional update
 * that names the turn, so a retried turn is counted once.
 *
 * <pre>
 * chats(id TEXT PRIMARY KEY, title TEXT, owner TEXT, created_at BIGINT (epoch microseconds),
 *       turns INTEGER, last_turn TEXT, forked_from TEXT)
 * </pre>
 */
public final class SqlChatDirectory implements ChatDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(SqlChatDirectory.class);
    private static final String COLUMNS = "id, title, owner, created_at, turns, forked_from";

    private final HikariDataSource pool;
    private final String table;
    private final String description;

    private SqlChatDirectory(HikariDataSource pool, String table, String description) {
        this.pool = pool;
        this.table = table;
        this.description = description;
    }

    /**
     * Connects and creates the table if it is missing.
     *
     * @param db where the table lives
     * @return the open table
     * @throws ChatDatabaseException if the database cannot be reached or the table cannot be created
     */
    public static SqlChatDirectory open(ChatDatabase db) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db.jdbcUrl());
        cfg.setDataSourceProperties(db.properties());
        cfg.setMaximumPoolSize(db.poolSize());
        cfg.setMinimumIdle(db.isPostgres() ? 1 : db.poolSize());
        cfg.setPoolName("chats");
        cfg.setConnectionTimeout(10_000);
        cfg.setInitializationFailTimeout(-1);
        if (!db.isPostgres()) {
            cfg.setMaxLifetime(0); // an in-memory SQLite database lives as long as a connection does
            cfg.setIdleTimeout(0);
        }
        HikariDataSource pool = new HikariDataSource(cfg);
        String table = db.schema().map(s -> s + ".chats").orElse("chats");
        SqlChatDirectory dir = new SqlChatDirectory(pool, table, db.description());
        try {
            dir.migrate(db);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        LOG.info("Chats table {}", db.description());
        return dir;
    }

    private void migrate(ChatDatabase db) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            if (db.isPostgres()) {
                // instances starting together create the schema once
                s.execute("SELECT pg_advisory_xact_lock(hashtext('cairn-host-example:" + db.schema().get() + "'))");
                s.execute("CREATE SCHEMA IF NOT EXISTS " + db.schema().get());
            }
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
                    + " owner TEXT NOT NULL, created_at BIGINT NOT NULL, turns INTEGER NOT NULL,"
                    + " last_turn TEXT, forked_from TEXT)");
            s.execute("CREATE INDEX IF NOT EXISTS chats_by_created ON " + table + " (created_at, id)");
            s.execute("CREATE INDEX IF NOT EXISTS chats_by_owner ON " + table + " (owner, created_at, id)");
            c.commit();
        } catch (SQLException e) {
            throw new ChatDatabaseException("Cannot open the chats table in " + db.description() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ChatRecord> find(String chatId) {
        List<ChatRecord> rows = query("SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?", chatId);
        return rows.stream().findFirst();
    }

    @Override
    public void insert(ChatRecord chat) {
        update("INSERT INTO " + table + " (id, title, owner, created_at, turns, forked_from) VALUES (?, ?, ?, ?, ?, ?)",
                chat.chatId(), chat.title(), chat.owner(), micros(chat.createdAt()), chat.turns(),
                chat.forkedFrom().orElse(null));
    }

    @Override
    public boolean countTurn(String chatId, String turnId) {
        return update("UPDATE " + table + " SET turns = turns + 1, last_turn = ? WHERE id = ?"
                + " AND (last_turn IS NULL OR last_turn <> ?)", turnId, chatId, turnId) > 0;
    }

    @Override
    public Optional<ChatRecord> setTurns(String chatId, int turns) {
        update("UPDATE " + table + " SET turns = ? WHERE id = ?", turns, chatId);
        return find(chatId);
    }

    @Override
    public boolean remove(String chatId) {
        return update("DELETE FROM " + table + " WHERE id = ?", chatId) > 0;
    }

    @Override
    public List<ChatRecord> page(Optional<String> owner, int limit, Optional<Position> after) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + table + " WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        owner.ifPresent(o -> {
            sql.append(" AND owner = ?");
            args.add(o);
        });
        after.ifPresent(p -> {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            args.add(micros(p.createdAt()));
            args.add(micros(p.createdAt()));
            args.add(p.chatId());
        });
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(limit);
        return query(sql.toString(), args.toArray());
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
    }

    /**
     * @param t a time
     * @return it truncated to what the table keeps (microseconds)
     */
    public static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    private List<ChatRecord> query(String sql, Object... args) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<ChatRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long us = rs.getLong(4);
                    out.add(new ChatRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                            Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000),
                            rs.getInt(5), Optional.ofNullable(rs.getString(6))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (a instanceof Long n) {
                ps.setLong(i + 1, n);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }

    private ChatDatabaseException fail(SQLException e) {
        return new ChatDatabaseException("The chats table (" + description + ") failed: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return Objects.toString(description);
    }
}
