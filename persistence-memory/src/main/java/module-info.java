/**
 * The {@code memory:} provider of Cairn: every session in the JVM heap, {@code VOLATILE}.
 */
module dev.cairn.persistence.memory {
    requires dev.cairn.persistence;
    requires org.slf4j;

    provides dev.cairn.persistence.spi.PersistenceProvider
            with dev.cairn.persistence.memory.MemoryPersistenceProvider;
}
