package dev.cairn.persistence.postgres;

import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.jdbc.Codec;
import dev.cairn.persistence.jdbc.DialectSupport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL as the engine sees it: the engine's templates with the tables in the store's schema
 * ({@link Database#qualify}); the row locks they spell are PostgreSQL's own. Writes run in
 * {@code READ COMMITTED} transactions on the write pool, retried on deadlock; commits lock the
 * session row and every referenced blob ({@link Commits}); vacuum runs {@code VACUUM} on each table.
 */
final class PostgresDialect extends DialectSupport {
    private final Database db;
    private final Commits commits;

    PostgresDialect(Database db, PostgresOptions options) {
        super("postgres", db);
        this.db = db;
        this.commits = new Commits(db, this, new Codec(options.compressionLevel()));
    }

    @Override
    public String sql(String template) {
        return db.qualify(template);
    }

    @Override
    public <T> T read(String what, ReadWork<T> work) {
        return db.read(what, work::run);
    }

    @Override
    public <T> T write(String what, WriteWork<T> work) {
        return db.write(what, work::run);
    }

    /** pgjdbc sends the statements of one {@code PreparedStatement} with one Sync. */
    @Override
    public boolean sendsStatementsTogether() {
        return true;
    }

    @Override
    public RuntimeCommitResult commit(String sessionId, long sid, StorePolicy policy, RuntimeCommit commit,
                                      String what) {
        return commits.commit(sessionId, sid, policy, commit, what);
    }

    /**
     * Runs PostgreSQL's {@code VACUUM} on the store's tables: their dead rows' space becomes reusable and
     * trailing empty pages go back to the system; no table is rewritten ({@code VACUUM FULL} would lock it).
     *
     * @return the bytes by which the tables shrank
     */
    @Override
    public long reclaimSpace() {
        return db.autoCommit("vacuum", c -> {
            long before = size(c);
            try (Statement s = c.createStatement()) {
                for (String table : Schema.TABLES) {
                    s.execute(db.qualify("VACUUM ~" + table));
                }
            }
            return Math.max(0, before - size(c));
        });
    }

    /** @return the bytes of the store's tables, indexes and TOAST tables, in one statement */
    private long size(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(sum(pg_total_relation_size(t::regclass)), 0) FROM unnest(?::text[]) t")) {
            ps.setArray(1, c.createArrayOf("text", Schema.TABLES.stream().map(t -> db.qualify("~" + t)).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
