package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.util.Optional;
import java.util.UUID;

/** The kit against its own reference model: every test must pass, or the kit has a bug. */
class ModelKitTest extends RuntimePersistenceKit {
    private String location;
    private ModelStoreFactory last;

    @Override
    protected SessionStoreFactory newFactory() {
        location = "tckmodel:" + UUID.randomUUID();
        last = (ModelStoreFactory) SessionStores.open(location);
        return last;
    }

    @Override
    protected Optional<String> sharedLocation() {
        return Optional.of(location);
    }

    @Override
    protected boolean corruptBlob(ContentHash hash) {
        return last.backend.corrupt(hash);
    }
}
