package dev.cairn.persistence.tck;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.spi.PersistenceProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-only provider of the scheme {@code tckmodel:}: {@code tckmodel:} alone is a private model,
 * {@code tckmodel:NAME} a model shared by every factory of this JVM opened with that name.
 */
public final class ModelProvider implements PersistenceProvider {
    private static final Map<String, ModelBackend> NAMED = new ConcurrentHashMap<>();

    /** For ServiceLoader. */
    public ModelProvider() {
    }

    @Override
    public String scheme() {
        return "tckmodel";
    }

    @Override
    public String description() {
        return "the TCK's reference model (tests only)";
    }

    @Override
    public SessionStoreFactory open(StoreLocation location) {
        location.requireKnownOptions(java.util.Set.of());
        ModelBackend backend = location.target().isEmpty() ? new ModelBackend()
                : NAMED.computeIfAbsent(location.target(), k -> new ModelBackend());
        return new ModelStoreFactory(backend);
    }
}
