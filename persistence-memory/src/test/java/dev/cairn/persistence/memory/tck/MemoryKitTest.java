package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.memory.MemorySessionStoreFactory;
import dev.cairn.persistence.tck.RuntimePersistenceKit;

/**
 * The TCK against a private memory store ({@code new MemorySessionStoreFactory()}): the data lives
 * only as long as the factory, so the kit skips the tests that need a shared location.
 */
class MemoryKitTest extends RuntimePersistenceKit {

    @Override
    protected SessionStoreFactory newFactory() {
        return new MemorySessionStoreFactory();
    }
}
