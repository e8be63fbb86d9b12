/**
 * The {@code sqlite:} provider of Cairn: one WAL-mode SQLite database in a directory, for all
 * sessions of one machine; {@code PROCESS_CRASH_SAFE} or {@code POWER_LOSS_SAFE}.
 */
module dev.cairn.persistence.sqlite {
    requires transitive dev.cairn.persistence;
    requires transitive java.sql;
    requires org.xerial.sqlitejdbc;
    requires com.zaxxer.hikari;
    requires dev.cairn.persistence.jdbc;
    requires org.slf4j;

    exports dev.cairn.persistence.sqlite;

    provides dev.cairn.persistence.spi.PersistenceProvider
            with dev.cairn.persistence.sqlite.SqlitePersistenceProvider;
}
