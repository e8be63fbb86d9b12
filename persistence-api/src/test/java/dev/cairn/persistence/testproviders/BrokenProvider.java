package dev.cairn.persistence.testproviders;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.spi.PersistenceProvider;

/** A test-only provider whose constructor fails, as one with a missing dependency would. */
public class BrokenProvider implements PersistenceProvider {
    /** Always fails. */
    public BrokenProvider() {
        throw new IllegalStateException("native library cairn-broken not found");
    }

    @Override
    public String scheme() {
        return "broken";
    }

    @Override
    public String description() {
        return "never loads";
    }

    @Override
    public SessionStoreFactory open(StoreLocation location) {
        throw new AssertionError("unreachable");
    }
}
