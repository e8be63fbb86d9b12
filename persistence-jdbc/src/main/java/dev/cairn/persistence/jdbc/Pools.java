package dev.cairn.persistence.jdbc;

import com.zaxxer.hikari.HikariConfig;
import java.util.concurrent.atomic.AtomicInteger;

/** The HikariCP settings every connection pool of a store shares; the dialect adds how it connects. */
public final class Pools {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private Pools() {
    }

    /**
     * The settings every pool of a store has; the dialect adds how it connects.
     *
     * @param name the pool's name, numbered ({@code cairn-pg-readers-3})
     * @param size the most connections
     * @param readOnly whether its connections are read-only
     * @param connectionTimeoutMs how long borrowing a connection may wait
     * @return the configuration: auto-commit off, at least one idle connection, no JMX beans
     */
    public static HikariConfig config(String name, int size, boolean readOnly, long connectionTimeoutMs) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name + "-" + POOLS.incrementAndGet());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 1));
        config.setAutoCommit(false);
        config.setReadOnly(readOnly);
        config.setConnectionTimeout(connectionTimeoutMs);
        config.setRegisterMbeans(false);
        return config;
    }
}
