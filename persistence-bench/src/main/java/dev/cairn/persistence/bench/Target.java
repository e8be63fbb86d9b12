package dev.cairn.persistence.bench;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Path;
import java.util.List;

/**
 * The stores under test, by the name a benchmark's {@code target} parameter takes. Every store is
 * opened through {@link SessionStores#open(String)}, as a host opens it, so the benchmarks measure
 * what ServiceLoader finds on the class path.
 *
 * <p>The PostgreSQL targets run against this JVM's {@link Postgres#server() test server}, started on
 * first use (each JMH fork starts its own and stops it when it exits), or against the server named
 * by {@code CAIRN_PG_URL}. Nothing touches PostgreSQL until a postgres target is used.
 */
public enum Target {
    /** {@code memory:}, a store private to the factory. */
    MEMORY("memory", Kind.MEMORY, null),
    /** {@code sqlite:DIR?durability=process-crash}: WAL, {@code synchronous=NORMAL}. */
    SQLITE_PROCESS_CRASH("sqlite-process-crash", Kind.SQLITE, "process-crash"),
    /** {@code sqlite:DIR?durability=power-loss}: WAL, {@code synchronous=FULL}. */
    SQLITE_POWER_LOSS("sqlite-power-loss", Kind.SQLITE, "power-loss"),
    /**
     * {@code postgres://...?schema=S&durability=process-crash}: {@code synchronous_commit=off}, a
     * commit returns before the server has flushed its WAL.
     */
    POSTGRES_PROCESS_CRASH("postgres-process-crash", Kind.POSTGRES, "process-crash"),
    /**
     * {@code postgres://...?schema=S&durability=power-loss} (the provider's default):
     * {@code synchronous_commit=on}, a commit waits for the server's WAL flush.
     */
    POSTGRES_POWER_LOSS("postgres-power-loss", Kind.POSTGRES, "power-loss");

    /** The parameter values, in the order the report lists them. */
    public static final List<String> NAMES = List.of("memory", "sqlite-process-crash", "sqlite-power-loss",
            "postgres-process-crash", "postgres-power-loss");

    /** What kind of store a target is. */
    public enum Kind {
        /** In the JVM's heap. */
        MEMORY,
        /** A SQLite file in a directory. */
        SQLITE,
        /** A schema on a PostgreSQL server. */
        POSTGRES
    }

    private final String paramName;
    private final Kind kind;
    private final String durability;

    Target(String paramName, Kind kind, String durability) {
        this.paramName = paramName;
        this.kind = kind;
        this.durability = durability;
    }

    /** @return the benchmark parameter value, e.g. {@code sqlite-power-loss} */
    public String paramName() {
        return paramName;
    }

    /** @return the kind of store */
    public Kind kind() {
        return kind;
    }

    /** @return the {@code durability} option, or null for memory */
    public String durability() {
        return durability;
    }

    /** @return true for the SQLite targets, which need a directory */
    public boolean isSqlite() {
        return kind == Kind.SQLITE;
    }

    /** @return true for the PostgreSQL targets, which need the test server */
    public boolean isPostgres() {
        return kind == Kind.POSTGRES;
    }

    /** @return true for {@code memory:} */
    public boolean isMemory() {
        return kind == Kind.MEMORY;
    }

    /**
     * @param dir the database directory (SQLite only; ignored otherwise)
     * @return the location string of a new store: for PostgreSQL a fresh schema in the test server's
     *     database (this starts the server if it is not running yet)
     */
    public String location(Path dir) {
        return switch (kind) {
            case MEMORY -> "memory:";
            case SQLITE -> "sqlite:" + dir.toAbsolutePath() + "?durability=" + durability;
            case POSTGRES -> Postgres.freshLocation(durability);
        };
    }

    /**
     * Opens a factory on a new store of this target.
     *
     * @param dir the database directory (SQLite only; ignored otherwise)
     * @return the factory
     */
    public SessionStoreFactory open(Path dir) {
        return SessionStores.open(location(dir));
    }

    /**
     * @param name a parameter value
     * @return the target
     */
    public static Target of(String name) {
        for (Target t : values()) {
            if (t.paramName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown target " + name + "; known: " + NAMES);
    }
}
