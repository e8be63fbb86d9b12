package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.jdbc.OptionChecks;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The tuning of a {@code sqlite:} store. A location sets them as options
 * ({@code sqlite:DIR?durability=power-loss&readers=8&busy-timeout-ms=5000&compression-level=3&wal-autocheckpoint=4000});
 * a host that wires the factory by hand passes them to
 * {@link SqliteSessionStoreFactory#SqliteSessionStoreFactory(java.nio.file.Path, SqliteOptions)}.
 *
 * @param durability {@link Durability#PROCESS_CRASH_SAFE} ({@code synchronous=NORMAL}, the default) or
 *     {@link Durability#POWER_LOSS_SAFE} ({@code synchronous=FULL})
 * @param readers the size of the pool of read-only connections, 1 to {@value #MAX_READERS}
 * @param busyTimeout how long a write waits for another process that holds the database's write
 *     lock, from 0 to {@value #MAX_BUSY_TIMEOUT_MS} ms
 * @param compressionLevel the zstd level for payloads and blobs above the compression threshold,
 *     {@value #MIN_COMPRESSION_LEVEL} to {@value #MAX_COMPRESSION_LEVEL}
 * @param walAutocheckpoint the writer's {@code PRAGMA wal_autocheckpoint}, in WAL pages: the commit
 *     that grows the WAL past it checkpoints the WAL (on the committing thread); 0 turns automatic
 *     checkpoints off (the WAL then grows until {@code vacuum()} or until the last connection to the
 *     database closes); else {@value #MIN_WAL_AUTOCHECKPOINT} to {@value #MAX_WAL_AUTOCHECKPOINT}
 */
public record SqliteOptions(Durability durability, int readers, Duration busyTimeout, int compressionLevel,
                            int walAutocheckpoint) {
    /** Location option: {@code process-crash} or {@code power-loss}. */
    public static final String DURABILITY = "durability";
    /** Location option: reader pool size. */
    public static final String READERS = "readers";
    /** Location option: busy timeout in milliseconds. */
    public static final String BUSY_TIMEOUT_MS = "busy-timeout-ms";
    /** Location option: zstd compression level. */
    public static final String COMPRESSION_LEVEL = "compression-level";
    /** Location option: WAL pages after which a commit checkpoints the WAL (0: never automatically). */
    public static final String WAL_AUTOCHECKPOINT = "wal-autocheckpoint";
    /** Every option a {@code sqlite:} location accepts. */
    public static final Set<String> OPTION_KEYS =
            Set.of(DURABILITY, READERS, BUSY_TIMEOUT_MS, COMPRESSION_LEVEL, WAL_AUTOCHECKPOINT);

    /** The largest reader pool. */
    public static final int MAX_READERS = 64;
    /** The longest busy timeout, in milliseconds (10 minutes). */
    public static final int MAX_BUSY_TIMEOUT_MS = 600_000;
    /** The fastest zstd level accepted. */
    public static final int MIN_COMPRESSION_LEVEL = -7;
    /** The strongest zstd level accepted. */
    public static final int MAX_COMPRESSION_LEVEL = 19;

    /** The smallest non-zero WAL auto-checkpoint, in pages. */
    public static final int MIN_WAL_AUTOCHECKPOINT = 100;
    /** The largest WAL auto-checkpoint, in pages (about 4 GB of WAL with 4 KiB pages). */
    public static final int MAX_WAL_AUTOCHECKPOINT = 1_000_000;
    /** The default WAL auto-checkpoint: SQLite's own, 1,000 pages (about 4 MB of WAL). */
    public static final int DEFAULT_WAL_AUTOCHECKPOINT = 1_000;

    /** Process-crash safe, 4 readers, a 10 s busy timeout, zstd level 3, WAL checkpoint every 1,000 pages. */
    public static final SqliteOptions DEFAULTS =
            new SqliteOptions(Durability.PROCESS_CRASH_SAFE, 4, Duration.ofSeconds(10), 3, DEFAULT_WAL_AUTOCHECKPOINT);

    /**
     * Validates.
     *
     * @param durability the durability tier
     * @param readers the reader pool size
     * @param busyTimeout the busy timeout
     * @param compressionLevel the zstd level
     * @param walAutocheckpoint the WAL auto-checkpoint in pages, 0 for none
     * @throws InvalidRequestException if a value is out of range or the durability is volatile
     */
    public SqliteOptions {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(busyTimeout, "busyTimeout");
        OptionChecks.requireDurable("sqlite", durability, "PROCESS_CRASH_SAFE or POWER_LOSS_SAFE");
        OptionChecks.require(readers >= 1 && readers <= MAX_READERS, "reader pool size", readers, "1 to " + MAX_READERS);
        OptionChecks.require(!busyTimeout.isNegative() && busyTimeout.toMillis() <= MAX_BUSY_TIMEOUT_MS, "busy timeout",
                busyTimeout, "0 to " + MAX_BUSY_TIMEOUT_MS + " ms");
        OptionChecks.requireCompressionLevel(compressionLevel, MIN_COMPRESSION_LEVEL, MAX_COMPRESSION_LEVEL);
        OptionChecks.require(walAutocheckpoint == 0 || walAutocheckpoint >= MIN_WAL_AUTOCHECKPOINT
                        && walAutocheckpoint <= MAX_WAL_AUTOCHECKPOINT, "WAL auto-checkpoint", walAutocheckpoint + " pages",
                "0 (off) or " + MIN_WAL_AUTOCHECKPOINT + " to " + MAX_WAL_AUTOCHECKPOINT);
    }

    /**
     * The options with the default WAL auto-checkpoint ({@value #DEFAULT_WAL_AUTOCHECKPOINT} pages).
     *
     * @param durability the durability tier
     * @param readers the reader pool size
     * @param busyTimeout the busy timeout
     * @param compressionLevel the zstd level
     * @throws InvalidRequestException if a value is out of range or the durability is volatile
     */
    public SqliteOptions(Durability durability, int readers, Duration busyTimeout, int compressionLevel) {
        this(durability, readers, busyTimeout, compressionLevel, DEFAULT_WAL_AUTOCHECKPOINT);
    }

    /**
     * Reads the options of a location, refusing unknown ones.
     *
     * @param location a {@code sqlite:} location
     * @return the options, defaults where absent
     * @throws InvalidRequestException if an option is unknown or its value invalid
     */
    public static SqliteOptions fromLocation(StoreLocation location) {
        Objects.requireNonNull(location, "location");
        location.requireKnownOptions(OPTION_KEYS);
        String durability = location.choiceOption(DURABILITY, "process-crash", OptionChecks.DURABILITY_NAMES.keySet());
        int readers = location.intOption(READERS, DEFAULTS.readers, 1, MAX_READERS);
        int busy = location.intOption(BUSY_TIMEOUT_MS, (int) DEFAULTS.busyTimeout.toMillis(), 0, MAX_BUSY_TIMEOUT_MS);
        int level = location.intOption(COMPRESSION_LEVEL, DEFAULTS.compressionLevel, MIN_COMPRESSION_LEVEL,
                MAX_COMPRESSION_LEVEL);
        int wal = location.intOption(WAL_AUTOCHECKPOINT, DEFAULTS.walAutocheckpoint, 0, MAX_WAL_AUTOCHECKPOINT);
        return new SqliteOptions(OptionChecks.DURABILITY_NAMES.get(durability), readers, Duration.ofMillis(busy), level, wal);
    }

    /**
     * @param durability the tier
     * @return a copy with another durability
     */
    public SqliteOptions withDurability(Durability durability) {
        return new SqliteOptions(durability, readers, busyTimeout, compressionLevel, walAutocheckpoint);
    }

    /**
     * @param readers the reader pool size
     * @return a copy with another reader pool size
     */
    public SqliteOptions withReaders(int readers) {
        return new SqliteOptions(durability, readers, busyTimeout, compressionLevel, walAutocheckpoint);
    }

    /**
     * @param busyTimeout the busy timeout
     * @return a copy with another busy timeout
     */
    public SqliteOptions withBusyTimeout(Duration busyTimeout) {
        return new SqliteOptions(durability, readers, busyTimeout, compressionLevel, walAutocheckpoint);
    }

    /**
     * @param compressionLevel the zstd level
     * @return a copy with another compression level
     */
    public SqliteOptions withCompressionLevel(int compressionLevel) {
        return new SqliteOptions(durability, readers, busyTimeout, compressionLevel, walAutocheckpoint);
    }

    /**
     * @param walAutocheckpoint the WAL auto-checkpoint in pages, 0 for none
     * @return a copy with another WAL auto-checkpoint
     */
    public SqliteOptions withWalAutocheckpoint(int walAutocheckpoint) {
        return new SqliteOptions(durability, readers, busyTimeout, compressionLevel, walAutocheckpoint);
    }
}
