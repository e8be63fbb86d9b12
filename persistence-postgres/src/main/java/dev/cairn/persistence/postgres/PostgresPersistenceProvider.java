package dev.cairn.persistence.postgres;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.jdbc.OptionChecks;
import dev.cairn.persistence.spi.PersistenceProvider;
import java.util.Objects;

/**
 * The {@code postgres:} provider, found by {@link java.util.ServiceLoader}.
 *
 * <p>{@code postgres://[user[:password]@]host[:port]/database[?options]} opens the store in a schema
 * of that database ({@code schema}, default {@code cairn}), creating or migrating it. Options: see
 * {@link PostgresOptions} (schema, durability, readers, writers, connect-timeout-ms,
 * compression-level) and {@link PostgresLocation} (password, sslmode, sslrootcert,
 * application-name). Unknown options are refused. {@code postgresql:} is not a second scheme:
 * one provider serves one scheme.
 */
public final class PostgresPersistenceProvider implements PersistenceProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "postgres";

    /** Makes the provider; does no I/O. */
    public PostgresPersistenceProvider() {
    }

    /** @return {@value #SCHEME} */
    @Override
    public String scheme() {
        return SCHEME;
    }

    /** @return a one-line description */
    @Override
    public String description() {
        return "PostgreSQL database shared by several instances, durable:"
                + " postgres://user@host:5432/db?schema=cairn&durability=power-loss|process-crash";
    }

    /**
     * Opens a factory.
     *
     * @param location {@code postgres://[user[:password]@]host[:port]/database[?options]}
     * @return a factory on the store in that database's schema
     * @throws InvalidRequestException if the scheme is not {@code postgres}, the location is
     *     malformed, or an option is unknown or invalid
     * @throws dev.cairn.persistence.PersistenceException if the server cannot be reached, refuses the
     *     login, or the user lacks a permission the store needs
     * @throws dev.cairn.persistence.SchemaVersionException if a newer version of Cairn wrote the schema
     */
    @Override
    public SessionStoreFactory open(StoreLocation location) {
        Objects.requireNonNull(location, "location");
        OptionChecks.requireScheme(location, SCHEME);
        PostgresLocation where = PostgresLocation.parse(location);
        return new PostgresSessionStoreFactory(where, PostgresOptions.fromLocation(location));
    }
}
