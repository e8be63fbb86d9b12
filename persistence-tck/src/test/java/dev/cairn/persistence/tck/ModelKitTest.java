package dev.cairn.persistence.tck;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.util.Optional;
import java.util.UUID;

/** The kit against its own reference model: every test must pass, or the kit has a bug. */
class ModelKitTest extends RuntimePersistenceKit {
    private String location;

    @Override
    protected SessionStoreFactory newFactory() {
        location = "tckmodel:" + UUID.randomUUID();
        return SessionStores.open(location);
    }

    @Override
    protected Optional<String> sharedLocation() {
        return Optional.of(location);
    }
}
