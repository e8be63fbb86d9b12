package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.tck.RuntimePersistenceKit;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The TCK against {@code sqlite:DIR?durability=power-loss} ({@code synchronous=FULL}): rule 23 also
 * cuts the power under it, at least 30 times, on the kit's power-cut file system.
 */
class SqlitePowerLossKitTest extends RuntimePersistenceKit {
    private static final String OPTIONS = "?durability=power-loss";
    private Path dir;

    @Override
    protected SessionStoreFactory newFactory() {
        dir = TestDirs.fresh("kit-power-loss");
        return SessionStores.open("sqlite:" + dir + OPTIONS);
    }

    @Override
    protected Optional<String> sharedLocation() {
        return Optional.of("sqlite:" + dir + OPTIONS);
    }

    /** Flips a bit of the stored blob row behind the provider's back (rule 13). */
    @Override
    protected boolean corruptBlob(ContentHash hash) {
        return Corruption.flipBlobBit(dir.resolve(Database.FILE_NAME), hash);
    }

    @Override
    protected Optional<String> powerCutLocation(Path directory) {
        return Optional.of("sqlite:" + directory + OPTIONS);
    }
}
