package dev.cairn.persistence.bench;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Path;
import java.util.List;

/**
 * The stores under test, by the name a benchmark's {@code target} parameter takes. Every store is
 * opened through {@link SessionStores#open(String)}, as a host opens it, so the benchmarks measure
 * what ServiceLoader finds on the class path.
 */
public enum Target {
    /** {@code memory:}, a store private to the factory. */
    MEMORY("memory", null),
    /** {@code sqlite:DIR?durability=process-crash}: WAL, {@code synchronous=NORMAL}. */
    SQLITE_PROCESS_CRASH("sqlite-process-crash", "process-crash"),
    /** {@code sqlite:DIR?durability=power-loss}: WAL, {@code synchronous=FULL}. */
    SQLITE_POWER_LOSS("sqlite-power-loss", "power-loss");

    /** The parameter values, in the order the report lists them. */
    public static final List<String> NAMES = List.of("memory", "sqlite-process-crash", "sqlite-power-loss");

    private final String paramName;
    private final String durability;

    Target(String paramName, String durability) {
        this.paramName = paramName;
        this.durability = durability;
    }

    /** @return the benchmark parameter value, e.g. {@code sqlite-power-loss} */
    public String paramName() {
        return paramName;
    }

    /** @return true for the SQLite targets, which need a directory */
    public boolean isSqlite() {
        return durability != null;
    }

    /**
     * @param dir the database directory (ignored for memory)
     * @return the location string
     */
    public String location(Path dir) {
        return isSqlite() ? "sqlite:" + dir.toAbsolutePath() + "?durability=" + durability : "memory:";
    }

    /**
     * Opens a factory on this target.
     *
     * @param dir the database directory (ignored for memory)
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
