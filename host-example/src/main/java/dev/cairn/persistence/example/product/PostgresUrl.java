package dev.cairn.persistence.example.product;

import dev.cairn.persistence.StoreLocation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The server, database and login of a {@code postgres://[user[:password]@]host[:port]/database?...}
 * store location, as JDBC wants them, so the app's own tables can live in the same database.
 *
 * @param host the host
 * @param port the port
 * @param database the database
 * @param user the user, if given
 * @param password the password, if given (never printed)
 * @param sslMode pgjdbc's {@code sslmode}, if given
 */
public record PostgresUrl(String host, int port, String database, Optional<String> user, Optional<String> password,
                          Optional<String> sslMode) {
    /** Validates. */
    public PostgresUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sslMode, "sslMode");
    }

    /**
     * @param location a {@code postgres:} store location
     * @return its server, database and login
     * @throws IllegalArgumentException if it does not have the form {@code postgres://[user[:password]@]host[:port]/database}
     */
    public static PostgresUrl of(StoreLocation location) {
        String target = location.target();
        int slash = target.indexOf('/', 2);
        if (!target.startsWith("//") || slash < 0 || slash == target.length() - 1) {
            throw new IllegalArgumentException("The store location " + location
                    + " does not have the form postgres://[user[:password]@]host[:port]/database");
        }
        String authority = target.substring(2, slash);
        String database = decode(target.substring(slash + 1));
        Optional<String> user = Optional.empty();
        Optional<String> password = location.option("password");
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String info = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = info.indexOf(':');
            String u = colon < 0 ? info : info.substring(0, colon);
            user = u.isEmpty() ? Optional.empty() : Optional.of(decode(u));
            if (colon >= 0) {
                password = Optional.of(decode(info.substring(colon + 1)));
            }
        }
        String host = authority;
        int port = 5432;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("The store location " + location + " has an invalid port");
            }
        }
        return new PostgresUrl(host, port, database, user, password, location.option("sslmode"));
    }

    /** @return {@code jdbc:postgresql://host:port/database}, without credentials */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/"
                + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** @return pgjdbc's connection properties: user, password, sslmode, application name */
    public Properties properties() {
        Properties p = new Properties();
        user.ifPresent(u -> p.setProperty("user", u));
        password.ifPresent(pw -> p.setProperty("password", pw));
        sslMode.ifPresent(m -> p.setProperty("sslmode", m));
        p.setProperty("ApplicationName", "cairn-host-example");
        p.setProperty("connectTimeout", "10");
        return p;
    }

    /** @return {@code postgres://user@host:port/database}, without the password */
    @Override
    public String toString() {
        return "postgres://" + user.map(u -> u + "@").orElse("") + host + ":" + port + "/" + database;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
