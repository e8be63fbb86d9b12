package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.tck.RuntimePersistenceKit;
import java.nio.file.Path;
import java.util.Optional;

/** The TCK against {@code sqlite:}, each factory on a fresh directory under {@code target/}. */
class SqliteKitTest extends RuntimePersistenceKit {
    private Path dir;

    @Override
    protected SessionStoreFactory newFactory() {
        dir = TestDirs.fresh("kit");
        return SessionStores.open(location());
    }

    @Override
    protected Optional<String> sharedLocation() {
        return Optional.of(location());
    }

    private String location() {
        return "sqlite:" + dir;
    }

    /** Flips a bit of the stored blob row behind the provider's back (rule 13). */
    @Override
    protected boolean corruptBlob(ContentHash hash) {
        return Corruption.flipBlobBit(dir.resolve(Database.FILE_NAME), hash);
    }
}
