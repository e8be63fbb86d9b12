package dev.cairn.persistence.tck;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.spi.PersistenceProvider;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * A test-only provider of the scheme {@code tckfiles:DIR?sync=full|files|none} that declares
 * {@code POWER_LOSS_SAFE}: the reference model in one file per write ({@link FilesBackend}). Only
 * {@code sync=full} (the default) keeps the promise; the others are the kit's power-cut mutants.
 */
public final class FilesProvider implements PersistenceProvider {

    /** For ServiceLoader. */
    public FilesProvider() {
    }

    @Override
    public String scheme() {
        return "tckfiles";
    }

    @Override
    public String description() {
        return "the TCK's reference model in one file per write (tests only)";
    }

    @Override
    public SessionStoreFactory open(StoreLocation location) {
        location.requireKnownOptions(Set.of("sync"));
        String sync = location.choiceOption("sync", "full", Set.of("full", "files", "none"));
        FilesBackend backend = new FilesBackend(Path.of(location.target()),
                FilesBackend.Sync.valueOf(sync.toUpperCase(Locale.ROOT)));
        return new ModelStoreFactory(backend, backend::release);
    }
}
