package dev.cairn.persistence.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StoreClosedException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StoreHandlesTest {
    @Test
    void keepsOneHandlePerIdBoundedAndClosesWhatItDrops() {
        try (SessionStoreFactory f = SessionStores.open("memory:"); StoreHandles handles = new StoreHandles(2)) {
            for (String id : new String[] {"a", "b", "c"}) {
                f.createStore(SessionStoreCreateRequest.of(id)).close();
            }
            AtomicInteger opened = new AtomicInteger();
            RuntimePersistence a = handles.get("a", () -> { opened.incrementAndGet(); return f.openExisting("a"); }).orElseThrow();
            assertSame(a, handles.get("a", () -> { opened.incrementAndGet(); return f.openExisting("a"); }).orElseThrow());
            assertEquals(1, opened.get(), "the second call uses the kept handle");
            RuntimePersistence b = handles.get("b", () -> f.openExisting("b")).orElseThrow();
            handles.get("a", Optional::empty); // a is now the most recently used
            handles.get("c", () -> f.openExisting("c")).orElseThrow();
            assertThrows(StoreClosedException.class, () -> b.loadSessionMeta(), "the least recently used is dropped and closed");
            assertTrue(a.loadSessionMeta().isPresent());
            assertTrue(handles.get("missing", () -> f.openExisting("missing")).isEmpty());

            RuntimePersistence other = f.openExisting("a").orElseThrow();
            handles.forget("a", other); // not the kept one: nothing happens
            assertSame(a, handles.get("a", Optional::empty).orElseThrow());
            handles.forget("a", a);
            assertThrows(StoreClosedException.class, () -> a.loadSessionMeta());
            RuntimePersistence again = handles.get("a", () -> f.openExisting("a")).orElseThrow();
            assertNotSame(a, again);
            handles.close();
            assertThrows(StoreClosedException.class, () -> again.loadSessionMeta());
            assertTrue(other.loadSessionMeta().isPresent(), "handles it was never given stay open");
        }
        assertThrows(IllegalArgumentException.class, () -> new StoreHandles(0));
    }
}
