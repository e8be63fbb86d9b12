package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.jdbc.OptionChecks;
import dev.cairn.persistence.spi.PersistenceProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code sqlite:} provider, found by {@link java.util.ServiceLoader}.
 *
 * <p>{@code sqlite:PATH} opens the SQLite store in the directory {@code PATH} (relative paths are
 * resolved against the working directory; the directory is created if absent). Options:
 * {@code durability=process-crash|power-loss}, {@code readers=N}, {@code busy-timeout-ms=N},
 * {@code compression-level=N}; see {@link SqliteOptions}. Unknown options are refused.
 */
public final class SqlitePersistenceProvider implements PersistenceProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "sqlite";

    /** Makes the provider; does no I/O. */
    public SqlitePersistenceProvider() {
    }

    /** @return {@value #SCHEME} */
    @Override
    public String scheme() {
        return SCHEME;
    }

    /** @return a one-line description */
    @Override
    public String description() {
        return "SQLite database in a directory (WAL), durable: sqlite:PATH?durability=process-crash|power-loss";
    }

    /**
     * Opens a factory.
     *
     * @param location {@code sqlite:PATH[?options]}
     * @return a factory on the database in {@code PATH}
     * @throws InvalidRequestException if the scheme is not {@code sqlite}, the path is empty or
     *     invalid, or an option is unknown or invalid
     * @throws dev.cairn.persistence.PersistenceException if the store cannot be opened
     */
    @Override
    public SessionStoreFactory open(StoreLocation location) {
        Objects.requireNonNull(location, "location");
        OptionChecks.requireScheme(location, SCHEME);
        SqliteOptions options = SqliteOptions.fromLocation(location);
        String target = location.target();
        if (target.isBlank()) {
            throw new InvalidRequestException("A sqlite: location needs a directory, e.g. 'sqlite:./.cairn' or"
                    + " 'sqlite:/var/lib/app/cairn'; got " + location);
        }
        Path directory;
        try {
            directory = Path.of(target);
        } catch (InvalidPathException e) {
            throw new InvalidRequestException("Invalid directory '" + target + "' in location " + location + ": "
                    + e.getReason());
        }
        return new SqliteSessionStoreFactory(directory, options);
    }
}
