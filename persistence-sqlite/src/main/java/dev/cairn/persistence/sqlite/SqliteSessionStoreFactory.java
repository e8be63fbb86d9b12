package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.jdbc.JdbcSessionStoreFactory;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link SessionStoreFactory} on one SQLite database: the file {@code cairn.db} in a directory,
 * shared by every session, in WAL mode. Durable: {@link Durability#PROCESS_CRASH_SAFE} by default,
 * {@link Durability#POWER_LOSS_SAFE} with {@code durability=power-loss}.
 *
 * <p>Open it with {@code SessionStores.open("sqlite:./.cairn")} or, wiring by hand,
 * {@code new SqliteSessionStoreFactory(Path.of(".cairn"))}. Several factories, in this process or
 * others, may open the same directory: SQLite's file locks keep their commits atomic and their
 * compare-and-set exact. Close the factory at shutdown; closing it closes every store it made.
 *
 * <p>Thread-safe. Writes of all sessions go through one connection, one transaction at a time;
 * commits that arrive while a transaction runs share the next one (group commit: one fsync for the
 * batch, each commit still all or nothing). Reads run in parallel on a pool of read-only connections.
 */
// The superclass is the engine's, in a package exported only to the providers: every public method
// it has is one of SessionStoreFactory's, so a client never needs to name it.
@SuppressWarnings("exports")
public final class SqliteSessionStoreFactory extends JdbcSessionStoreFactory {
    private final SqliteDialect dialect;

    /**
     * Opens the store in a directory with {@link SqliteOptions#DEFAULTS}, creating the directory
     * and the database if absent and migrating an older schema.
     *
     * @param directory the directory that holds {@code cairn.db}
     * @throws dev.cairn.persistence.PersistenceException if the directory or database cannot be used,
     *     saying why; nothing is damaged
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the database
     */
    public SqliteSessionStoreFactory(Path directory) {
        this(directory, SqliteOptions.DEFAULTS);
    }

    /**
     * Opens the store in a directory with the given options.
     *
     * @param directory the directory that holds {@code cairn.db}
     * @param options durability, reader pool, busy timeout, compression level
     * @throws dev.cairn.persistence.PersistenceException if the directory or database cannot be used
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the database
     */
    public SqliteSessionStoreFactory(Path directory, SqliteOptions options) {
        this(SqliteDialect.open(Objects.requireNonNull(directory, "directory"),
                Objects.requireNonNull(options, "options")));
    }

    private SqliteSessionStoreFactory(SqliteDialect dialect) {
        super(dialect);
        this.dialect = dialect;
    }

    /** @return the commits of this factory; for tests */
    Commits commits() {
        return dialect.commits();
    }

    /** @return the connections of this factory; for tests */
    Database database() {
        return dialect.database();
    }
}
