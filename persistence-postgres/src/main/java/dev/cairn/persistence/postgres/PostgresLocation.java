package dev.cairn.persistence.postgres;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.jdbc.ServerAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Where a {@code postgres:} store's server is, and how to log in:
 * {@code postgres://[user[:password]@]host[:port]/database[?options]}.
 *
 * <p>User, password and database are percent-decoded ({@code p%40ss} is {@code p@ss}). The password
 * may also be given as the option {@code password}, or left out for pgjdbc's {@code ~/.pgpass} or
 * trust authentication. Connection options beside the {@link PostgresOptions tuning}: {@code sslmode}
 * ({@code disable}, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca},
 * {@code verify-full}), {@code sslrootcert} (a file) and {@code application-name}. The password
 * never appears in {@link #toString()} or in any message.
 *
 * @param host the server's host name or address
 * @param port the server's port
 * @param database the database
 * @param user the user, if given
 * @param password the password, if given
 * @param sslMode pgjdbc's {@code sslmode}, if given
 * @param sslRootCert pgjdbc's {@code sslrootcert}, if given
 * @param applicationName the application name the server shows in {@code pg_stat_activity}
 */
public record PostgresLocation(String host, int port, String database, Optional<String> user,
                               Optional<String> password, Optional<String> sslMode, Optional<String> sslRootCert,
                               String applicationName) {
    /** Location option: the password, instead of {@code user:password@}. */
    public static final String PASSWORD = "password";
    /** Location option: pgjdbc's {@code sslmode}. */
    public static final String SSL_MODE = "sslmode";
    /** Location option: pgjdbc's {@code sslrootcert}. */
    public static final String SSL_ROOT_CERT = "sslrootcert";
    /** Location option: the application name. */
    public static final String APPLICATION_NAME = "application-name";
    /** The connection options a location accepts. */
    public static final Set<String> OPTION_KEYS = Set.of(PASSWORD, SSL_MODE, SSL_ROOT_CERT, APPLICATION_NAME);
    /** PostgreSQL's default port. */
    public static final int DEFAULT_PORT = 5432;

    private static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final String FORM = "postgres://[user[:password]@]host[:port]/database[?schema=...&...],"
            + " e.g. 'postgres://app@db.internal:5432/agents?schema=cairn'";

    /**
     * Validates.
     *
     * @param host the host
     * @param port the port
     * @param database the database
     * @param user the user
     * @param password the password
     * @param sslMode the ssl mode
     * @param sslRootCert the root certificate file
     * @param applicationName the application name
     */
    public PostgresLocation {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sslMode, "sslMode");
        Objects.requireNonNull(sslRootCert, "sslRootCert");
        Objects.requireNonNull(applicationName, "applicationName");
        if (host.isBlank()) {
            throw new InvalidRequestException("A postgres location needs a host: " + FORM);
        }
        if (port < 1 || port > 65535) {
            throw new InvalidRequestException("Invalid port " + port + " in a postgres location: allowed is 1 to 65535");
        }
        if (database.isBlank()) {
            throw new InvalidRequestException("A postgres location needs a database after the host: " + FORM);
        }
        if (sslMode.isPresent() && !SSL_MODES.contains(sslMode.get())) {
            throw new InvalidRequestException("Invalid sslmode '" + sslMode.get() + "': allowed are " + SSL_MODES);
        }
    }

    /**
     * Parses the target and connection options of a location and checks that it has no option that
     * neither this record nor {@link PostgresOptions} knows.
     *
     * @param location a {@code postgres:} location
     * @return the server and login
     * @throws InvalidRequestException if the location is malformed, saying what is expected
     */
    public static PostgresLocation parse(StoreLocation location) {
        Objects.requireNonNull(location, "location");
        Set<String> known = new HashSet<>(OPTION_KEYS);
        known.addAll(PostgresOptions.OPTION_KEYS);
        location.requireKnownOptions(known);
        ServerAddress a = ServerAddress.parse(location, location.option(PASSWORD), DEFAULT_PORT, FORM);
        return new PostgresLocation(a.host(), a.port(), a.database(), a.user(), a.password(),
                location.option(SSL_MODE), location.option(SSL_ROOT_CERT), location.option(APPLICATION_NAME).orElse("cairn"));
    }

    /** @return {@code jdbc:postgresql://host:port/database}, with no login */
    String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /**
     * @param connectTimeoutMs the connect timeout
     * @return the driver properties: login, TLS, timeouts, application name
     */
    Properties driverProperties(long connectTimeoutMs) {
        Properties p = new Properties();
        user.ifPresent(u -> p.setProperty("user", u));
        password.ifPresent(pw -> p.setProperty("password", pw));
        sslMode.ifPresent(m -> p.setProperty("sslmode", m));
        sslRootCert.ifPresent(c -> p.setProperty("sslrootcert", c));
        p.setProperty("ApplicationName", applicationName);
        long seconds = Math.max(1, (connectTimeoutMs + 999) / 1000);
        p.setProperty("connectTimeout", Long.toString(seconds));
        p.setProperty("loginTimeout", Long.toString(seconds));
        return p;
    }

    /** @return {@code postgres://user@host:port/database}: never the password */
    @Override
    public String toString() {
        return "postgres://" + user.map(u -> u + "@").orElse("") + host + ":" + port + "/" + database;
    }
}
