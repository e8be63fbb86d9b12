package dev.cairn.persistence.cli;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh shared {@code memory:NAME} stores for tests; each lives until the JVM exits. */
final class Stores {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Stores() {
    }

    /** @return the name of a new, empty memory store */
    static String emptyMemory() {
        return "t" + COUNTER.incrementAndGet();
    }

    /** @return the location {@code memory:NAME} of a new store holding {@link Fixtures} */
    static String populatedMemory() {
        String location = "memory:" + emptyMemory();
        try (SessionStoreFactory f = SessionStores.open(location)) {
            Fixtures.populate(f);
        }
        return location;
    }
}
