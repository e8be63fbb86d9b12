package dev.cairn.persistence.memory;

import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.spi.PersistenceProvider;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code memory:} provider, found by {@link java.util.ServiceLoader}.
 *
 * <ul>
 *   <li>{@code memory:} &mdash; a store private to the factory that is returned;</li>
 *   <li>{@code memory:NAME} &mdash; the store named {@code NAME} ({@link Ids#RULE}), shared by every
 *       factory of the JVM opened with that name; it lives until the JVM exits.</li>
 * </ul>
 *
 * <p>No options are accepted. Durability is {@link dev.cairn.persistence.Durability#VOLATILE}.
 */
public final class MemoryPersistenceProvider implements PersistenceProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "memory";

    /** Makes the provider; does no I/O. */
    public MemoryPersistenceProvider() {
    }

    /** @return {@value #SCHEME} */
    @Override
    public String scheme() {
        return SCHEME;
    }

    /** @return a one-line description */
    @Override
    public String description() {
        return "JVM heap, volatile: memory: is private to its factory, memory:NAME is shared within the JVM";
    }

    /**
     * Opens a factory.
     *
     * @param location {@code memory:} or {@code memory:NAME}, without options
     * @return a factory on a private store, or on the shared store of that name
     * @throws InvalidRequestException if the scheme is not {@code memory}, an option is given, or the
     *     name breaks {@link Ids#RULE}
     */
    @Override
    public SessionStoreFactory open(StoreLocation location) {
        Objects.requireNonNull(location, "location");
        if (!SCHEME.equals(location.scheme())) {
            throw new InvalidRequestException("The memory provider serves scheme '" + SCHEME + "', not '"
                    + location.scheme() + "'");
        }
        location.requireKnownOptions(Set.of());
        String name = location.target();
        if (name.isEmpty()) {
            return new MemorySessionStoreFactory();
        }
        if (!Ids.isValid(name)) {
            throw new InvalidRequestException("Invalid memory store name " + Ids.quote(name) + " in location "
                    + location + ": a name is " + Ids.RULE + "; use 'memory:' for a store private to the factory");
        }
        return new MemorySessionStoreFactory(Backend.named(name));
    }
}
