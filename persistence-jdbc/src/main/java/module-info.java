/**
 * The JDBC engine of the durable Cairn providers: everything the SQL providers do alike (stores and
 * factories, catalogue, reads and row mapping, tombstones, gc, vacuum, delete, forks, the commit rules,
 * the SQL common to every dialect, storage of bytes and the encodings of small values), run through a
 * {@link dev.cairn.persistence.jdbc.SqlDialect} each provider implements; and the plumbing a dialect's
 * connections are built on (a single writer with group commit, pooled transactions with retries,
 * the migration runner, option checks). No driver and no pool: each dialect brings its own.
 * Internal: exported only to the providers, which are not on the path when this module is compiled
 * (hence the suppression).
 */
@SuppressWarnings("module")
module dev.cairn.persistence.jdbc {
    requires transitive dev.cairn.persistence;
    requires transitive java.sql;
    requires com.github.luben.zstd_jni;
    requires org.slf4j;

    exports dev.cairn.persistence.jdbc to dev.cairn.persistence.sqlite, dev.cairn.persistence.postgres;
}
