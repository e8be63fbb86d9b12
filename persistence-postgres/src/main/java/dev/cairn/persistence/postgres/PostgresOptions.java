package dev.cairn.persistence.postgres;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.jdbc.OptionChecks;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tuning of a {@code postgres:} store. A location sets them as options
 * ({@code postgres://app@db:5432/agents?schema=cairn&durability=power-loss&readers=8&writers=8}); a
 * host that wires the factory by hand passes them to
 * {@link PostgresSessionStoreFactory#PostgresSessionStoreFactory(javax.sql.DataSource, PostgresOptions)}.
 *
 * @param schema the PostgreSQL schema that holds the store's tables, created if absent: a lower-case
 *     identifier, {@code [a-z_][a-z0-9_]*}, at most 63 characters, not starting with {@code pg_}
 * @param durability {@link Durability#POWER_LOSS_SAFE} (the default: each commit waits for the
 *     server's WAL flush, {@code synchronous_commit=on}) or {@link Durability#PROCESS_CRASH_SAFE}
 *     ({@code synchronous_commit=off}: a commit returns before its WAL is flushed; the host may crash
 *     without loss, a crash of the database server may lose the last commits)
 * @param readers the size of the pool of read connections, 1 to {@value #MAX_POOL}
 * @param writers the size of the pool of write connections, 1 to {@value #MAX_POOL}
 * @param connectTimeout how long opening a connection may take, 1 ms to {@value #MAX_CONNECT_TIMEOUT_MS} ms
 * @param compressionLevel the zstd level for payloads and blobs above the compression threshold,
 *     {@value #MIN_COMPRESSION_LEVEL} to {@value #MAX_COMPRESSION_LEVEL}, not 0
 * @param socketTimeout how long the store waits for the server to answer one round trip before it
 *     gives up, closes the connection and throws, {@value #MIN_SOCKET_TIMEOUT_MS} ms to
 *     {@value #MAX_SOCKET_TIMEOUT_MS} ms ({@code VACUUM} waits at least {@value #MAINTENANCE_TIMEOUT_MS} ms)
 */
public record PostgresOptions(String schema, Durability durability, int readers, int writers,
                              Duration connectTimeout, int compressionLevel, Duration socketTimeout) {
    /** Location option: the PostgreSQL schema of the store. */
    public static final String SCHEMA = "schema";
    /** Location option: {@code power-loss} or {@code process-crash}. */
    public static final String DURABILITY = "durability";
    /** Location option: read pool size. */
    public static final String READERS = "readers";
    /** Location option: write pool size. */
    public static final String WRITERS = "writers";
    /** Location option: connect timeout in milliseconds. */
    public static final String CONNECT_TIMEOUT_MS = "connect-timeout-ms";
    /** Location option: zstd compression level. */
    public static final String COMPRESSION_LEVEL = "compression-level";
    /** Location option: how long one round trip may wait for the server, in milliseconds. */
    public static final String SOCKET_TIMEOUT_MS = "socket-timeout-ms";
    /** Every tuning option a {@code postgres:} location accepts (connection options are in {@link PostgresLocation}). */
    public static final Set<String> OPTION_KEYS =
            Set.of(SCHEMA, DURABILITY, READERS, WRITERS, CONNECT_TIMEOUT_MS, COMPRESSION_LEVEL, SOCKET_TIMEOUT_MS);

    /** The default schema. */
    public static final String DEFAULT_SCHEMA = "cairn";
    /** The largest pool. */
    public static final int MAX_POOL = 256;
    /** The longest connect timeout, in milliseconds (10 minutes). */
    public static final int MAX_CONNECT_TIMEOUT_MS = 600_000;
    /** The fastest zstd level accepted. */
    public static final int MIN_COMPRESSION_LEVEL = -7;
    /** The strongest zstd level accepted. */
    public static final int MAX_COMPRESSION_LEVEL = 19;
    /** The shortest socket timeout, in milliseconds. */
    public static final int MIN_SOCKET_TIMEOUT_MS = 100;
    /** The longest socket timeout, in milliseconds (one hour). */
    public static final int MAX_SOCKET_TIMEOUT_MS = 3_600_000;
    /** The least a {@code VACUUM} waits for the server, in milliseconds (one hour): it may rewrite big tables. */
    public static final int MAINTENANCE_TIMEOUT_MS = 3_600_000;

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /**
     * Schema {@code cairn}, power-loss safe, 4 readers, 4 writers, a 10 s connect timeout, zstd level 3,
     * a 30 s socket timeout (every statement of the store takes milliseconds; 30 s only bounds a server
     * that stopped answering).
     */
    public static final PostgresOptions DEFAULTS = new PostgresOptions(DEFAULT_SCHEMA, Durability.POWER_LOSS_SAFE,
            4, 4, Duration.ofSeconds(10), 3, Duration.ofSeconds(30));

    /**
     * Validates.
     *
     * @param schema the schema name
     * @param durability the durability tier
     * @param readers the read pool size
     * @param writers the write pool size
     * @param connectTimeout the connect timeout
     * @param compressionLevel the zstd level
     * @param socketTimeout the socket timeout
     * @throws InvalidRequestException if a value is out of range or the durability is volatile
     */
    public PostgresOptions {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(socketTimeout, "socketTimeout");
        if (!SCHEMA_NAME.matcher(schema).matches() || schema.startsWith("pg_")) {
            throw new InvalidRequestException("Invalid schema name '" + schema + "': a schema is a lower-case"
                    + " identifier, [a-z_][a-z0-9_]*, at most 63 characters, not starting with 'pg_'; e.g. 'cairn'");
        }
        OptionChecks.requireDurable("postgres", durability, "POWER_LOSS_SAFE or PROCESS_CRASH_SAFE");
        OptionChecks.require(readers >= 1 && readers <= MAX_POOL, "read pool size", readers, "1 to " + MAX_POOL);
        OptionChecks.require(writers >= 1 && writers <= MAX_POOL, "write pool size", writers, "1 to " + MAX_POOL);
        OptionChecks.require(!connectTimeout.isNegative() && !connectTimeout.isZero()
                && connectTimeout.toMillis() <= MAX_CONNECT_TIMEOUT_MS, "connect timeout", connectTimeout,
                "1 to " + MAX_CONNECT_TIMEOUT_MS + " ms");
        OptionChecks.requireCompressionLevel(compressionLevel, MIN_COMPRESSION_LEVEL, MAX_COMPRESSION_LEVEL);
        OptionChecks.require(socketTimeout.toMillis() >= MIN_SOCKET_TIMEOUT_MS
                && socketTimeout.toMillis() <= MAX_SOCKET_TIMEOUT_MS, "socket timeout", socketTimeout,
                MIN_SOCKET_TIMEOUT_MS + " to " + MAX_SOCKET_TIMEOUT_MS + " ms");
    }

    /**
     * The options with the default socket timeout.
     *
     * @param schema the schema name
     * @param durability the durability tier
     * @param readers the read pool size
     * @param writers the write pool size
     * @param connectTimeout the connect timeout
     * @param compressionLevel the zstd level
     * @throws InvalidRequestException if a value is out of range or the durability is volatile
     */
    public PostgresOptions(String schema, Durability durability, int readers, int writers, Duration connectTimeout,
                           int compressionLevel) {
        this(schema, durability, readers, writers, connectTimeout, compressionLevel, Duration.ofSeconds(30));
    }

    /**
     * Reads the tuning options of a location; the caller checks that no unknown option is given.
     *
     * @param location a {@code postgres:} location
     * @return the options, defaults where absent
     * @throws InvalidRequestException if a value is invalid
     */
    public static PostgresOptions fromLocation(StoreLocation location) {
        Objects.requireNonNull(location, "location");
        String schema = location.option(SCHEMA).orElse(DEFAULTS.schema);
        String durability = location.choiceOption(DURABILITY, "power-loss", OptionChecks.DURABILITY_NAMES.keySet());
        int readers = location.intOption(READERS, DEFAULTS.readers, 1, MAX_POOL);
        int writers = location.intOption(WRITERS, DEFAULTS.writers, 1, MAX_POOL);
        int timeout = location.intOption(CONNECT_TIMEOUT_MS, (int) DEFAULTS.connectTimeout.toMillis(), 1,
                MAX_CONNECT_TIMEOUT_MS);
        int level = location.intOption(COMPRESSION_LEVEL, DEFAULTS.compressionLevel, MIN_COMPRESSION_LEVEL,
                MAX_COMPRESSION_LEVEL);
        int socket = location.intOption(SOCKET_TIMEOUT_MS, (int) DEFAULTS.socketTimeout.toMillis(),
                MIN_SOCKET_TIMEOUT_MS, MAX_SOCKET_TIMEOUT_MS);
        return new PostgresOptions(schema, OptionChecks.DURABILITY_NAMES.get(durability), readers, writers,
                Duration.ofMillis(timeout), level, Duration.ofMillis(socket));
    }

    /**
     * @param schema the schema name
     * @return a copy in another schema
     */
    public PostgresOptions withSchema(String schema) {
        return new PostgresOptions(schema, durability, readers, writers, connectTimeout, compressionLevel, socketTimeout);
    }

    /**
     * @param durability the tier
     * @return a copy with another durability
     */
    public PostgresOptions withDurability(Durability durability) {
        return new PostgresOptions(schema, durability, readers, writers, connectTimeout, compressionLevel, socketTimeout);
    }

    /**
     * @param readers the read pool size
     * @param writers the write pool size
     * @return a copy with other pool sizes
     */
    public PostgresOptions withPools(int readers, int writers) {
        return new PostgresOptions(schema, durability, readers, writers, connectTimeout, compressionLevel, socketTimeout);
    }

    /**
     * @param connectTimeout the connect timeout
     * @return a copy with another connect timeout
     */
    public PostgresOptions withConnectTimeout(Duration connectTimeout) {
        return new PostgresOptions(schema, durability, readers, writers, connectTimeout, compressionLevel, socketTimeout);
    }

    /**
     * @param socketTimeout how long one round trip may wait for the server
     * @return a copy with another socket timeout
     */
    public PostgresOptions withSocketTimeout(Duration socketTimeout) {
        return new PostgresOptions(schema, durability, readers, writers, connectTimeout, compressionLevel, socketTimeout);
    }
}
