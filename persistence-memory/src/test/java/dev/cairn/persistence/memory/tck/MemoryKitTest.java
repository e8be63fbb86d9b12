package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.memory.MemorySessionStoreFactory;
import dev.cairn.persistence.memory.MemoryTestAccess;
import dev.cairn.persistence.tck.RuntimePersistenceKit;

/**
 * The TCK against a private memory store ({@code new MemorySessionStoreFactory()}): the data lives
 * only as long as the factory, so the kit skips the tests that need a shared location.
 */
class MemoryKitTest extends RuntimePersistenceKit {
    private SessionStoreFactory last;

    @Override
    protected SessionStoreFactory newFactory() {
        last = new MemorySessionStoreFactory();
        return last;
    }

    @Override
    protected boolean corruptBlob(ContentHash hash) {
        return MemoryTestAccess.corruptBlob(last, hash);
    }
}
