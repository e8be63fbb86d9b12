/**
 * The {@code sqlite:} provider: {@link dev.cairn.persistence.sqlite.SqlitePersistenceProvider}, found
 * by {@link java.util.ServiceLoader}, and {@link dev.cairn.persistence.sqlite.SqliteSessionStoreFactory}
 * for hosts that wire the store by hand, tuned by {@link dev.cairn.persistence.sqlite.SqliteOptions}.
 * Everything else is internal: one WAL-mode SQLite database per directory, a single writer
 * connection for every write transaction ({@code BEGIN IMMEDIATE}), a pool of read-only connections,
 * forward schema migrations, zstd-compressed and hash-verified blobs. See the module's README.
 */
package dev.cairn.persistence.sqlite;
