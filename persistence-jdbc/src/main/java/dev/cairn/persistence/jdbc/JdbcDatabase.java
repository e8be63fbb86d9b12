package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.Durability;

/**
 * A dialect's connections as {@link DialectSupport} sees them: where they go, what they promise,
 * and their end. {@link SingleWriter} and {@link Transactions} implement the closing; the dialect's
 * subclass says what the durability is.
 */
public interface JdbcDatabase extends AutoCloseable {
    /** @return the store's location, without secrets */
    String location();

    /** @return the tier the store promises */
    Durability durability();

    /** @return whether {@link #close()} was called */
    boolean isClosed();

    /** Closes the connections the store opened; closing twice is harmless. */
    @Override
    void close();
}
