/**
 * Cairn's persistence API: the {@link dev.cairn.persistence.RuntimePersistence} store of one
 * session, the {@link dev.cairn.persistence.SessionStoreFactory} catalogue, their value types and
 * exceptions, and the {@link dev.cairn.persistence.spi.PersistenceProvider} service that storage
 * backends implement.
 */
module dev.cairn.persistence {
    requires org.slf4j;
    requires static org.jspecify;

    exports dev.cairn.persistence;
    exports dev.cairn.persistence.spi;

    uses dev.cairn.persistence.spi.PersistenceProvider;
}
