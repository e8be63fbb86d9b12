/**
 * The {@code memory:} provider: sessions, blobs and ledgers in the JVM heap.
 *
 * <p>{@link dev.cairn.persistence.memory.MemoryPersistenceProvider} serves {@code memory:} (a store
 * private to its factory) and {@code memory:NAME} (shared by every factory of the JVM opened with that
 * name). {@link dev.cairn.persistence.memory.MemorySessionStoreFactory} can also be made by hand.
 * Every other class is package-private.
 */
package dev.cairn.persistence.memory;
