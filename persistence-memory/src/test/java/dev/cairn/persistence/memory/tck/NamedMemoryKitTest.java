package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.memory.MemoryTestAccess;
import dev.cairn.persistence.tck.RuntimePersistenceKit;
import java.util.Optional;
import java.util.UUID;

/**
 * The TCK against named memory stores ({@code memory:NAME}), which every factory of the JVM opened
 * with that name shares: this runs the cross-factory tests (racing factories, reopening) too.
 */
class NamedMemoryKitTest extends RuntimePersistenceKit {
    private String location;
    private SessionStoreFactory last;

    @Override
    protected SessionStoreFactory newFactory() {
        location = "memory:tck-" + UUID.randomUUID();
        last = SessionStores.open(location);
        return last;
    }

    @Override
    protected Optional<String> sharedLocation() {
        return Optional.of(location);
    }

    @Override
    protected boolean corruptBlob(ContentHash hash) {
        return MemoryTestAccess.corruptBlob(last, hash);
    }
}
