package dev.cairn.persistence.spi;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;

/**
 * A storage backend, found by {@link java.util.ServiceLoader}. Register the implementation in
 * {@code META-INF/services/dev.cairn.persistence.spi.PersistenceProvider} and, in a module, with
 * {@code provides dev.cairn.persistence.spi.PersistenceProvider with ...}. The class needs a public
 * no-argument constructor that does no I/O.
 */
public interface PersistenceProvider {

    /** @return the scheme this provider serves, e.g. {@code sqlite}; lower case */
    String scheme();

    /** @return a one-line description for listings, e.g. {@code "SQLite database in a directory"} */
    String description();

    /**
     * Opens a factory on a location of this provider's scheme.
     *
     * @param location the parsed location; its scheme is {@link #scheme()}
     * @return the factory
     * @throws dev.cairn.persistence.InvalidRequestException if the target or an option is invalid
     *     (unknown options are refused, naming the allowed ones)
     * @throws dev.cairn.persistence.PersistenceException if the storage cannot be opened
     */
    SessionStoreFactory open(StoreLocation location);
}
