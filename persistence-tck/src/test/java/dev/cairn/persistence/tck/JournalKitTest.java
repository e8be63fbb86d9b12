package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The kit against the reference model in a journal file: a crash-safe provider, so the whole kit
 * runs, the durability test with its child JVMs included.
 */
class JournalKitTest extends RuntimePersistenceKit {
    private String location;
    private ModelStoreFactory last;

    @Override
    protected SessionStoreFactory newFactory() {
        location = "tckjournal:" + Path.of("target", "tck-journals", UUID.randomUUID().toString()).toAbsolutePath();
        last = (ModelStoreFactory) SessionStores.open(location);
        return last;
    }

    @Override
    protected boolean corruptBlob(ContentHash hash) {
        return last.backend.corrupt(hash);
    }

    @Override
    protected Optional<String> sharedLocation() {
        return Optional.of(location);
    }
}
