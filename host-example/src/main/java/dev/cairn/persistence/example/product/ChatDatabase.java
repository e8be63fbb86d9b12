package dev.cairn.persistence.example.product;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where the chats table lives and how to connect to it over JDBC: an SQLite file, an SQLite
 * database in memory, or a schema of a PostgreSQL database.
 *
 * @param jdbcUrl the JDBC URL, without credentials
 * @param properties the driver's connection properties (user, password, SQLite pragmas)
 * @param schema the PostgreSQL schema that holds the table; empty for SQLite
 * @param poolSize how many connections the pool keeps
 * @param description where it is, for logs, without secrets
 * @param sqliteDirectory the directory of an SQLite file; empty in memory and for PostgreSQL
 */
public record ChatDatabase(String jdbcUrl, Properties properties, Optional<String> schema, int poolSize,
                           String description, Optional<Path> sqliteDirectory) {
    /** The SQLite file's name in the data directory. */
    public static final String SQLITE_FILE = "chats.db";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Validates and copies. */
    public ChatDatabase {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Properties copy = new Properties();
        copy.putAll(Objects.requireNonNull(properties, "properties"));
        properties = copy;
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(sqliteDirectory, "sqliteDirectory");
        schema.ifPresent(s -> {
            if (!SCHEMA_NAME.matcher(s).matches() || s.startsWith("pg_")) {
                throw new IllegalArgumentException("Invalid schema name '" + s
                        + "': lower-case letters, digits and '_', starting with a letter or '_', at most 63");
            }
        });
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        }
    }

    /**
     * @param dataDir the directory of {@value #SQLITE_FILE}, created if absent
     * @return an SQLite file in WAL mode that several processes may share
     */
    public static ChatDatabase sqliteFile(Path dataDir) {
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "FULL");
        p.setProperty("busy_timeout", "10000");
        p.setProperty("foreign_keys", "true");
        Path file = dataDir.resolve(SQLITE_FILE);
        return new ChatDatabase("jdbc:sqlite:" + file.toAbsolutePath(), p, Optional.empty(), 4, file.toString(),
                Optional.of(dataDir));
    }

    /** @return an SQLite database in memory (one connection), gone when the service stops (for a {@code memory:} store) */
    public static ChatDatabase sqliteInMemory() {
        return new ChatDatabase("jdbc:sqlite::memory:", new Properties(), Optional.empty(), 1, "in memory (SQLite)",
                Optional.empty());
    }

    /**
     * @param postgres the store's server, database and login
     * @param schema the schema of the chats table in that database
     * @return the chats table beside a {@code postgres:} store
     */
    public static ChatDatabase postgres(PostgresUrl postgres, String schema) {
        return new ChatDatabase(postgres.jdbcUrl(), postgres.properties(), Optional.of(schema), 4,
                postgres + " schema " + schema, Optional.empty());
    }

    /** @return true for PostgreSQL, false for SQLite */
    public boolean isPostgres() {
        return schema.isPresent();
    }
}
