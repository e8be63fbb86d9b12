package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.StoreLocation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The server part of a networked database's location,
 * {@code scheme://[user[:password]@]host[:port]/database}: user, password and database
 * percent-decoded ({@code p%40ss} is {@code p@ss}), an IPv6 host in brackets. Messages name the
 * location as {@link StoreLocation#toString()} shows it, never the password. The dialect's location
 * record validates the parts and adds its connection options.
 *
 * @param host the host, as written (an IPv6 address keeps its brackets)
 * @param port the port, or the default
 * @param database the database
 * @param user the user, if given
 * @param password the password, if given (in the location or as an option)
 */
public record ServerAddress(String host, int port, String database, Optional<String> user, Optional<String> password) {
    /**
     * Parses the target of a location.
     *
     * @param location the location
     * @param passwordOption the password given as an option, if any (then the target must not give one)
     * @param defaultPort the port when none is given
     * @param form the expected form, with an example, for messages
     * @return the parts
     * @throws InvalidRequestException if the target is malformed, saying what is expected
     */
    public static ServerAddress parse(StoreLocation location, Optional<String> passwordOption, int defaultPort,
                                      String form) {
        Objects.requireNonNull(location, "location");
        String scheme = location.scheme();
        String target = location.target();
        if (!target.startsWith("//")) {
            throw new InvalidRequestException("Invalid " + scheme + " location " + location + ": expected " + form);
        }
        String rest = target.substring(2);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new InvalidRequestException("A " + scheme + " location needs a database after the host (" + location
                    + "): " + form);
        }
        String authority = rest.substring(0, slash);
        String database = decode(rest.substring(slash + 1), "database", scheme);
        Optional<String> user = Optional.empty();
        Optional<String> password = passwordOption;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String u = colon < 0 ? userInfo : userInfo.substring(0, colon);
            if (!u.isEmpty()) {
                user = Optional.of(decode(u, "user", scheme));
            }
            if (colon >= 0) {
                if (password.isPresent()) {
                    throw new InvalidRequestException("The " + scheme + " location " + location
                            + " gives the password twice (user:password@ and ?password=): give it once");
                }
                password = Optional.of(decode(userInfo.substring(colon + 1), "password", scheme));
            }
        }
        String host = authority;
        int port = defaultPort;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            host = authority.substring(0, colon);
            String p = authority.substring(colon + 1);
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("Invalid port '" + p + "' in " + scheme + " location " + location
                        + ": a port is a number from 1 to 65535");
            }
        }
        return new ServerAddress(host, port, database, user, password);
    }

    private static String decode(String s, String what, String scheme) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Invalid percent-encoding in the " + what
                    + " of a " + scheme + " location: write a '%' as %25");
        }
    }
}
