package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.tck.RuntimePersistenceKit;
import java.util.Optional;
import java.util.UUID;

/**
 * The TCK against named memory stores ({@code memory:NAME}), which every factory of the JVM opened
 * with that name shares: this runs the cross-factory tests (racing factories, reopening) too.
 */
class NamedMemoryKitTest extends RuntimePersistenceKit {
    private String location;

    @Override
    protected SessionStoreFactory newFactory() {
        location = "memory:tck-" + UUID.randomUUID();
        return SessionStores.open(location);
    }

    @Override
    protected Optional<String> sharedLocation() {
        return Optional.of(location);
    }
}
