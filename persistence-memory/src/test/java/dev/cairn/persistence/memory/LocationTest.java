package dev.cairn.persistence.memory;

import static dev.cairn.persistence.memory.Fixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.spi.PersistenceProvider;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocationTest {

    @Test
    void providerIsFoundThroughTheServiceLoader() {
        assertTrue(SessionStores.schemes().contains("memory"), "installed schemes: " + SessionStores.schemes());
        List<String> providers = ServiceLoader.load(PersistenceProvider.class).stream()
                .map(p -> p.type().getName()).collect(Collectors.toList());
        assertTrue(providers.contains(MemoryPersistenceProvider.class.getName()), "providers: " + providers);
        try (SessionStoreFactory factory = SessionStores.open("memory:")) {
            assertInstanceOf(MemorySessionStoreFactory.class, factory);
            assertEquals(Durability.VOLATILE, factory.durability());
            assertEquals(Durability.VOLATILE, factory.createStore(SessionStoreCreateRequest.of("s")).durability());
        }
    }

    @Test
    void providerDescribesItself() {
        MemoryPersistenceProvider provider = new MemoryPersistenceProvider();
        assertEquals("memory", provider.scheme());
        assertFalse(provider.description().isBlank());
    }

    @Test
    void bareMemoryIsPrivateToItsFactory() {
        try (SessionStoreFactory a = SessionStores.open("memory:"); SessionStoreFactory b = SessionStores.open("memory:");
             MemorySessionStoreFactory c = new MemorySessionStoreFactory()) {
            a.createStore(SessionStoreCreateRequest.of("s1"));
            assertTrue(a.openExisting("s1").isPresent());
            assertTrue(b.openExisting("s1").isEmpty(), "memory: must not be shared");
            assertTrue(c.openExisting("s1").isEmpty(), "new MemorySessionStoreFactory() must not be shared");
        }
    }

    @Test
    void namedMemoryIsSharedByEveryFactoryOpenedWithThatName() {
        String name = Fixtures.uniqueName("shared");
        SessionStoreFactory a = SessionStores.open("memory:" + name);
        RuntimePersistence writer = a.createStore(SessionStoreCreateRequest.of("chat"));
        RuntimeCommit.Builder commit = RuntimeCommit.expecting(0);
        BlobRef image = commit.attach(bytes("png"), "image/png");
        writer.commitRuntimeState(commit.append(NewNode.root("n1", NodeKind.USER_INPUT, bytes("hi"), image)).head("n1").build());

        try (SessionStoreFactory b = SessionStores.open("memory:" + name)) {
            RuntimePersistence reader = b.openExisting("chat").orElseThrow();
            assertEquals(List.of("n1"), ids(reader));
            assertArrayEquals(bytes("png"), reader.loadBlob(image.hash()).orElseThrow());

            a.close();
            assertThrows(StoreClosedException.class, () -> writer.loadSession(SessionReadScope.activePath()));
            assertEquals(List.of("n1"), ids(reader), "closing one factory must not drop the shared sessions");
        }
        try (SessionStoreFactory later = SessionStores.open("memory:" + name);
             SessionStoreFactory other = SessionStores.open("memory:" + name + "-other")) {
            assertTrue(later.openExisting("chat").isPresent(), "a named store lives until the JVM exits");
            assertTrue(other.openExisting("chat").isEmpty(), "another name is another store");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory:a/b", "memory:..", "memory:.", "memory:has space", "memory:caf\u00e9",
            "memory://host/x"})
    void badNamesAreRefusedWithTheRule(String location) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> SessionStores.open(location));
        assertTrue(e.getMessage().contains(Ids.RULE), e.getMessage());
    }

    @Test
    void overlongNameIsRefused() {
        String location = "memory:" + "n".repeat(Ids.MAX_LENGTH + 1);
        assertThrows(InvalidRequestException.class, () -> SessionStores.open(location));
        SessionStores.open("memory:" + "n".repeat(Ids.MAX_LENGTH)).close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory:?durability=power-loss", "memory:named?x=1", "memory:?password=secret"})
    void optionsAreRefused(String location) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> SessionStores.open(location));
        assertTrue(e.getMessage().contains("allowed options: none"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), "an option value must not leak into the message: " + e.getMessage());
    }

    @Test
    void providerRefusesAnotherScheme() {
        MemoryPersistenceProvider provider = new MemoryPersistenceProvider();
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> provider.open(StoreLocation.parse("sqlite:./x")));
        assertTrue(e.getMessage().contains("'sqlite'"), e.getMessage());
    }

    @Test
    void closingAFactoryClosesItsStoresAndItself() {
        MemorySessionStoreFactory factory = new MemorySessionStoreFactory();
        RuntimePersistence store = factory.createStore(SessionStoreCreateRequest.of("s"));
        factory.close();
        factory.close();
        assertThrows(StoreClosedException.class, () -> store.loadSessionMeta());
        assertThrows(StoreClosedException.class, () -> store.commitRuntimeState(RuntimeCommit.unconditional().build()));
        assertThrows(StoreClosedException.class, () -> factory.createStore(SessionStoreCreateRequest.of("t")));
        assertThrows(StoreClosedException.class, () -> factory.openExisting("s"));
        assertThrows(StoreClosedException.class, factory::durability);
        store.close();
    }

    private static List<String> ids(RuntimePersistence store) {
        return store.loadSession(SessionReadScope.activePath()).orElseThrow().nodes().stream()
                .map(n -> n.nodeId()).collect(Collectors.toList());
    }
}
