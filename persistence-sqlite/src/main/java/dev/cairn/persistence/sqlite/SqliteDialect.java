package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.jdbc.Catalogue;
import dev.cairn.persistence.jdbc.Codec;
import dev.cairn.persistence.jdbc.Sql;
import dev.cairn.persistence.jdbc.DialectSupport;
import dev.cairn.persistence.jdbc.WriterConnection;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite as the engine sees it: one database file, one writer connection that serializes every
 * write transaction (commits share them: group commit, {@link Database#commit}), a pool of read-only
 * connections. The engine's templates lose their schema marks, casts and row locks ({@link #sql}):
 * the single writer makes row locks pointless, and SQLite has none.
 *
 * <p>Space: the database uses {@code auto_vacuum=INCREMENTAL}. {@link #reclaimSpace()} runs
 * {@code PRAGMA incremental_vacuum}, which moves free pages to the end of the file and truncates it,
 * and checkpoints the WAL with {@code TRUNCATE}. A full {@code VACUUM} would rewrite the whole
 * database, block every writer meanwhile and need twice the disk space; the incremental one costs in
 * proportion to what was freed.
 */
final class SqliteDialect extends DialectSupport {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDialect.class);
    /** PostgreSQL's spelling that SQLite does without: casts and row-lock clauses. */
    private static final Pattern POSTGRES_ONLY = Pattern.compile("::[a-z]+| FOR (UPDATE|SHARE|KEY SHARE)\\b");
    /**
     * Walks of parent pointers, with {@code CROSS JOIN} after the CTE: SQLite never reorders a
     * {@code CROSS JOIN}, so statistics cannot turn the lookup by key into a scan.
     */
    private static final Map<String, String> OWN = Map.of(
            Sql.PATH_NODES, crossJoin(Sql.PATH_NODES, " JOIN ~nodes n ON n.nid = path.nid"),
            Sql.PATH_USAGE, crossJoin(Sql.PATH_USAGE, " JOIN ~usage u ON u.nid = path.nid"),
            Catalogue.FORK_PATH, crossJoin(Catalogue.FORK_PATH, " JOIN ~nodes n ON n.nid = path.nid"));
    private static final Map<String, String> TRANSLATED = new ConcurrentHashMap<>();
    private static final String INCREMENTAL_VACUUM = "PRAGMA incremental_vacuum";
    /** Pages freed per write transaction of {@link #reclaimSpace()} (16 MiB of 4 KiB pages). */
    private static final int VACUUM_BATCH = 4096;

    private final Database db;
    private final Commits commits;

    private SqliteDialect(Database db, SqliteOptions options) {
        super("sqlite", db);
        this.db = db;
        this.commits = new Commits(db, this, new Codec(options.compressionLevel()));
    }

    static SqliteDialect open(Path directory, SqliteOptions options) {
        return new SqliteDialect(Database.open(directory, options), options);
    }

    private static String crossJoin(String template, String join) {
        if (!template.contains(join)) {
            throw new IllegalStateException("no '" + join + "' in " + template);
        }
        return template.replace(join, " CROSS" + join);
    }

    /**
     * @param template an engine template
     * @return SQLite's statement for it
     */
    static String translate(String template) {
        String sql = TRANSLATED.get(template);
        if (sql == null) {
            String own = OWN.getOrDefault(template, template);
            sql = POSTGRES_ONLY.matcher(own).replaceAll("").replace("~", "");
            TRANSLATED.put(template, sql);
        }
        return sql;
    }

    @Override
    public String sql(String template) {
        return translate(template);
    }

    @Override
    public <T> T read(String what, ReadWork<T> work) {
        return db.read(what, work::run);
    }

    @Override
    public <T> T write(String what, WriteWork<T> work) {
        return db.write(what, work::run);
    }

    @Override
    public RuntimeCommitResult commit(String sessionId, long sid, StorePolicy policy, RuntimeCommit commit,
                                      String what) {
        return commits.commit(sessionId, sid, policy, commit, what);
    }

    @Override
    public long reclaimSpace() {
        long pageSize = db.writeUnsafe("vacuum", tx -> pragmaLong(tx, "page_size"));
        boolean incremental = db.writeUnsafe("vacuum", tx -> pragmaLong(tx, "auto_vacuum")) == 2;
        long pages = 0;
        if (incremental) {
            // Each step of incremental_vacuum frees one page, and the driver steps a statement once per
            // execution; so free in batches, each one write transaction, letting commits in between.
            while (true) {
                long freed = db.write("vacuum", tx -> {
                    long free = pragmaLong(tx, "freelist_count");
                    // Not cached: closing it finishes the last, half-stepped run before COMMIT.
                    try (PreparedStatement step = tx.connection().prepareStatement(INCREMENTAL_VACUUM)) {
                        for (long i = 0, n = Math.min(free, VACUUM_BATCH); i < n; i++) {
                            step.execute();
                        }
                    }
                    return free - pragmaLong(tx, "freelist_count");
                });
                pages += freed;
                if (freed < VACUUM_BATCH) {
                    break;
                }
            }
        } else {
            // A database made without incremental auto-vacuum: rewrite it (needs no open statement).
            pages = db.writeUnsafe("vacuum", tx -> {
                long before = pragmaLong(tx, "page_count");
                tx.closeStatements();
                tx.exec("VACUUM");
                return before - pragmaLong(tx, "page_count");
            });
        }
        db.writeUnsafe("checkpoint", tx -> {
            checkpoint(tx);
            return null;
        });
        return Math.max(0, pages) * pageSize;
    }

    /** Checkpoints the WAL into the database file and truncates it; readers may keep part of it. */
    static void checkpoint(WriterConnection tx) throws SQLException {
        try (var s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (rs.next() && rs.getInt(1) != 0) {
                LOG.debug("WAL checkpoint was partial: readers held part of the log");
            }
        }
    }

    private static long pragmaLong(WriterConnection tx, String name) throws SQLException {
        try (var s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    Database database() {
        return db;
    }

    Commits commits() {
        return commits;
    }
}
