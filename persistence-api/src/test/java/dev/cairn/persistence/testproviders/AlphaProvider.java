package dev.cairn.persistence.testproviders;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.spi.PersistenceProvider;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;

/** A test-only provider of scheme {@code alpha} that records the location it was opened with. */
public class AlphaProvider implements PersistenceProvider {
    /** The last location {@link #open} received. */
    public static final AtomicReference<StoreLocation> LAST = new AtomicReference<>();

    @Override
    public String scheme() {
        return "alpha";
    }

    @Override
    public String description() {
        return "test provider";
    }

    @Override
    public SessionStoreFactory open(StoreLocation location) {
        LAST.set(location);
        return (SessionStoreFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SessionStoreFactory.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "durability" -> Durability.VOLATILE;
                    case "close" -> null;
                    case "toString" -> "alpha factory on " + location;
                    default -> throw new IllegalStateException("not used by the discovery tests: " + method.getName());
                });
    }
}
