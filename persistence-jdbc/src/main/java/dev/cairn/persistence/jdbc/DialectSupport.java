package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.Durability;

/**
 * The part of a {@link SqlDialect} that only reports on its connections ({@link JdbcDatabase}):
 * scheme, location, durability, closing. A dialect extends it and implements the hooks that differ.
 */
public abstract class DialectSupport implements SqlDialect {
    private final String scheme;
    private final JdbcDatabase database;

    /**
     * @param scheme the provider's scheme
     * @param database the dialect's connections
     */
    protected DialectSupport(String scheme, JdbcDatabase database) {
        this.scheme = scheme;
        this.database = database;
    }

    @Override
    public final String scheme() {
        return scheme;
    }

    @Override
    public final String location() {
        return database.location();
    }

    @Override
    public final Durability durability() {
        return database.durability();
    }

    @Override
    public final boolean isClosed() {
        return database.isClosed();
    }

    @Override
    public final void close() {
        database.close();
    }
}
