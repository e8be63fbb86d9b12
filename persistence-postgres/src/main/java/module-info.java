/**
 * The {@code postgres:} provider of Cairn: the sessions of every instance of a service in one schema
 * of a PostgreSQL database; {@code POWER_LOSS_SAFE} or {@code PROCESS_CRASH_SAFE}.
 */
module dev.cairn.persistence.postgres {
    requires transitive dev.cairn.persistence;
    requires transitive java.sql;
    requires org.postgresql.jdbc;
    requires com.zaxxer.hikari;
    requires dev.cairn.persistence.jdbc;
    requires org.slf4j;

    exports dev.cairn.persistence.postgres;

    provides dev.cairn.persistence.spi.PersistenceProvider
            with dev.cairn.persistence.postgres.PostgresPersistenceProvider;
}
