package dev.cairn.persistence;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A parsed storage location: {@code scheme:target[?key=value&...]}, for example
 * {@code sqlite:./.cairn-data?durability=power-loss} or {@code memory:}.
 *
 * <p>The scheme picks the provider; the target (a directory, a name, a URL) and the options are the
 * provider's to interpret. Option values are percent-decoded. {@link #toString()} prints
 * {@code REDACTED} for options whose key looks secret (password, token, key, ...) and for the
 * password of a {@code //user:password@host} target, so a location can be logged.
 *
 * @param scheme the lower-case scheme, {@code [a-z][a-z0-9+.-]*}
 * @param target everything between the scheme's colon and the first {@code ?}; may be empty
 * @param options the options in the order given
 */
public record StoreLocation(String scheme, String target, Map<String, String> options) {
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,31}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^/@:]*:)[^/@]*@");
    private static final String[] SECRET_WORDS = {"pass", "secret", "token", "credential", "key", "auth", "private"};
    /** What {@link #toString()} prints instead of a secret. */
    public static final String REDACTED = "REDACTED";

    /** Validates and copies. */
    public StoreLocation {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        if (!SCHEME.matcher(scheme).matches()) {
            throw new InvalidRequestException("Invalid scheme " + Ids.quote(scheme)
                    + ": a scheme is lower case, [a-z][a-z0-9+.-]*, e.g. 'sqlite' or 'memory'");
        }
        if (target.indexOf('\0') >= 0) {
            throw new InvalidRequestException("Invalid location target: it contains a NUL character");
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            requireKey(k);
            copy.put(k, Objects.requireNonNull(v, "value of option " + k));
        });
        options = Collections.unmodifiableMap(copy);
    }

    /**
     * Parses a location.
     *
     * @param location {@code scheme:target[?key=value&...]}
     * @return the parsed location
     * @throws InvalidRequestException if it is malformed, saying what is wrong and what is expected
     */
    public static StoreLocation parse(String location) {
        Objects.requireNonNull(location, "location");
        int colon = location.indexOf(':');
        if (colon <= 0) {
            throw new InvalidRequestException("Invalid store location " + Ids.quote(location)
                    + ": expected scheme:target[?key=value&...], e.g. 'sqlite:./.cairn-data' or 'memory:'");
        }
        String scheme = location.substring(0, colon);
        if (!SCHEME.matcher(scheme).matches()) {
            throw new InvalidRequestException("Invalid scheme " + Ids.quote(scheme) + " in store location "
                    + Ids.quote(redact(location)) + ": a scheme is lower case, [a-z][a-z0-9+.-]*, e.g. 'sqlite'");
        }
        String rest = location.substring(colon + 1);
        int q = rest.indexOf('?');
        String target = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> options = new LinkedHashMap<>();
        if (q >= 0) {
            String query = rest.substring(q + 1);
            if (!query.isEmpty()) {
                for (String pair : query.split("&", -1)) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new InvalidRequestException("Invalid option " + Ids.quote(pair) + " in store location "
                                + Ids.quote(redact(location)) + ": options are key=value pairs joined by '&'");
                    }
                    String key = pair.substring(0, eq);
                    requireKey(key);
                    String value = decode(pair.substring(eq + 1), key);
                    if (options.put(key, value) != null) {
                        throw new InvalidRequestException("Option '" + key + "' is given twice in store location "
                                + Ids.quote(redact(location)) + ": give each option once");
                    }
                }
            }
        }
        return new StoreLocation(scheme, target, options);
    }

    /**
     * @param key an option key
     * @return the option's value, if given
     */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /**
     * Refuses options a provider does not know, naming the allowed ones.
     *
     * @param allowed the option keys the provider understands
     * @throws InvalidRequestException if another option is given
     */
    public void requireKnownOptions(Set<String> allowed) {
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw new InvalidRequestException("Unknown option '" + key + "' for scheme '" + scheme
                        + "'; allowed options: " + (allowed.isEmpty() ? "none" : new TreeSet<>(allowed)));
            }
        }
    }

    /**
     * Reads an integer option within bounds.
     *
     * @param key the option key
     * @param defaultValue the value when the option is absent
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return the value
     * @throws InvalidRequestException if the value is not an integer in {@code [min, max]}
     */
    public int intOption(String key, int defaultValue, int min, int max) {
        Optional<String> raw = option(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(raw.get().trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidRequestException("Invalid value " + Ids.quote(printable(key, raw.get())) + " for option '"
                + key + "' of scheme '" + scheme + "': expected an integer from " + min + " to " + max);
    }

    /**
     * Reads an option whose value is one of a set of choices.
     *
     * @param key the option key
     * @param defaultValue the value when the option is absent
     * @param choices the allowed values
     * @return the value
     * @throws InvalidRequestException if the value is not one of {@code choices}
     */
    public String choiceOption(String key, String defaultValue, Set<String> choices) {
        String v = option(key).orElse(defaultValue);
        if (!choices.contains(v)) {
            throw new InvalidRequestException("Invalid value " + Ids.quote(printable(key, v)) + " for option '" + key
                    + "' of scheme '" + scheme + "': allowed values are " + new TreeSet<>(choices));
        }
        return v;
    }

    /**
     * @param key an option key
     * @return true if {@link #toString()} redacts the option's value
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** @return the location with every value, secrets included; do not log it */
    public String toUriString() {
        return render(false);
    }

    /** @return the location with secrets replaced by {@value #REDACTED} */
    @Override
    public String toString() {
        return render(true);
    }

    private String render(boolean redact) {
        StringBuilder sb = new StringBuilder(scheme).append(':');
        sb.append(redact ? USERINFO_PASSWORD.matcher(target).replaceAll("$1" + REDACTED + "@") : target);
        String sep = "?";
        for (Map.Entry<String, String> e : options.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=');
            sb.append(redact && isSecretKey(e.getKey()) ? REDACTED
                    : URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
            sep = "&";
        }
        return sb.toString();
    }

    private static String redact(String location) {
        try {
            return parseLenient(location);
        } catch (RuntimeException e) {
            return "(unparseable location)";
        }
    }

    private static String parseLenient(String location) {
        String s = USERINFO_PASSWORD.matcher(location).replaceAll("$1" + REDACTED + "@");
        int q = s.indexOf('?');
        if (q < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.substring(0, q + 1));
        String sep = "";
        for (String pair : s.substring(q + 1).split("&", -1)) {
            int eq = pair.indexOf('=');
            sb.append(sep);
            sb.append(eq > 0 && isSecretKey(pair.substring(0, eq)) ? pair.substring(0, eq + 1) + REDACTED : pair);
            sep = "&";
        }
        return sb.toString();
    }

    private static String printable(String key, String value) {
        return isSecretKey(key) ? REDACTED : value;
    }

    private static void requireKey(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new InvalidRequestException("Invalid option key " + Ids.quote(key)
                    + ": an option key is 1 to 64 characters of [A-Za-z0-9._-]");
        }
    }

    private static String decode(String value, String key) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Invalid percent-encoding in the value of option '" + key
                    + "': use %XX with two hex digits");
        }
    }
}
