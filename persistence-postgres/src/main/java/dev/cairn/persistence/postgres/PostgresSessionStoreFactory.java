package dev.cairn.persistence.postgres;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.jdbc.JdbcSessionStoreFactory;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A {@link SessionStoreFactory} on a PostgreSQL database: the tables of one schema, shared by every
 * session and by every instance of a service that opens the same location. Durable:
 * {@link Durability#POWER_LOSS_SAFE} by default, {@link Durability#PROCESS_CRASH_SAFE} with
 * {@code durability=process-crash} (or when the server runs with {@code fsync=off}).
 *
 * <p>Open it with {@code SessionStores.open("postgres://app@db:5432/agents?schema=cairn")} or, with a
 * pool the host already has, {@code new PostgresSessionStoreFactory(dataSource, PostgresOptions.DEFAULTS)}.
 * Opening creates the schema, or migrates it forward, under an advisory lock, so instances that
 * start together do it once. Close the factory at shutdown; closing it closes every store it made
 * and the pools it opened (never a host's pool).
 *
 * <p>Thread-safe, and safe across processes and machines: every promise of the SPEC holds between
 * factories on the same schema as it does within one (compare-and-set, idempotency keys, blob
 * sharing with gc and delete). Commits of different sessions run in parallel; commits of one
 * session are serialized by its row lock.
 */
// The superclass is the engine's, in a package exported only to the providers: every public method
// it has is one of SessionStoreFactory's, so a client never needs to name it.
@SuppressWarnings("exports")
public final class PostgresSessionStoreFactory extends JdbcSessionStoreFactory {
    private final Database db;

    /**
     * Connects to a server, creating or migrating the store's schema, and opens a read and a write
     * pool (HikariCP).
     *
     * @param location the server and login
     * @param options schema, durability, pool sizes, timeouts, compression level
     * @throws dev.cairn.persistence.PersistenceException if the server cannot be reached, refuses the
     *     login or the permissions are missing, saying what to check; nothing is changed
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the schema
     */
    public PostgresSessionStoreFactory(PostgresLocation location, PostgresOptions options) {
        this(Database.open(Objects.requireNonNull(location, "location"), Objects.requireNonNull(options, "options")),
                options);
    }

    /**
     * Uses a connection pool the host already has, creating or migrating the store's schema with one
     * of its connections. The pool is the host's: the factory never closes it, and the pool sizes of
     * the options are ignored. Reads set {@code REPEATABLE READ} and read-only on the connections they
     * borrow and restore them; writes use {@code READ COMMITTED}.
     *
     * @param dataSource a pool of connections to the database (pgjdbc)
     * @param options schema, durability, compression level
     * @throws dev.cairn.persistence.PersistenceException if the database cannot be used, saying why
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the schema
     */
    public PostgresSessionStoreFactory(DataSource dataSource, PostgresOptions options) {
        this(Database.open(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(options, "options")),
                options);
    }

    private PostgresSessionStoreFactory(Database db, PostgresOptions options) {
        super(new PostgresDialect(db, options));
        this.db = db;
    }

    /** @return the connections of this factory; for tests */
    Database database() {
        return db;
    }
}
