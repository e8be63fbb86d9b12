package dev.cairn.persistence.cli.testing;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.spi.PersistenceProvider;
import dev.cairn.persistence.tck.ForwardingSessionStoreFactory;
import java.util.Optional;
import java.util.Set;

/**
 * Test-only provider {@code corrupting:NAME?blob=HEX&payload=NODEID}: the shared {@code memory:NAME}
 * store, except that loading blob {@code HEX} throws {@code StoreCorruptedException} (as a store
 * whose bytes rotted must, rule 13) and reads return node {@code NODEID} with one payload byte
 * flipped under its old payloadHash. It lets {@code verify} be tested on a store that memory alone
 * cannot damage.
 */
public final class CorruptingProvider implements PersistenceProvider {
    @Override
    public String scheme() {
        return "corrupting";
    }

    @Override
    public String description() {
        return "test only: memory:NAME with one damaged blob and/or payload";
    }

    @Override
    public SessionStoreFactory open(StoreLocation location) {
        location.requireKnownOptions(Set.of("blob", "payload"));
        Optional<ContentHash> blob = Optional.ofNullable(location.options().get("blob")).map(ContentHash::parse);
        Optional<String> payload = Optional.ofNullable(location.options().get("payload"));
        return new ForwardingSessionStoreFactory(SessionStores.open("memory:" + location.target()),
                store -> new CorruptingStore(store, blob, payload));
    }
}
