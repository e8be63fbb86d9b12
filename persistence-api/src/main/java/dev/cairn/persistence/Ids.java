package dev.cairn.persistence;

import java.util.Objects;

/**
 * The one validator for every identifier Cairn stores: session ids, node ids, checkpoint slot names,
 * idempotency keys and attribute keys (SPEC rule 18).
 *
 * <p>An id is 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9._:@-]} and is neither
 * {@code "."} nor {@code ".."}. So an id is always safe as a file name, a URL path segment and a
 * log field.
 */
public final class Ids {
    /** The longest id, in characters. */
    public static final int MAX_LENGTH = 128;

    /** What an id may be, for error messages. */
    public static final String RULE =
            "1 to " + MAX_LENGTH + " characters of [A-Za-z0-9._:@-], not '.' or '..'";

    /** The characters of {@link #RULE}, as bits: code points 0 to 63 and 64 to 127 ({@code 1L << c} uses {@code c & 63}). */
    private static final long ALLOWED_LOW = bits("0123456789.:-");
    private static final long ALLOWED_HIGH = bits("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_@");

    private Ids() {
    }

    private static long bits(String chars) {
        long b = 0;
        for (int i = 0; i < chars.length(); i++) {
            b |= 1L << chars.charAt(i);
        }
        return b;
    }

    /**
     * Tells whether a string is a valid id.
     *
     * @param value the candidate, not null
     * @return true if it follows {@link #RULE}
     */
    public static boolean isValid(String value) {
        int n = value.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 128 || ((c < 64 ? ALLOWED_LOW : ALLOWED_HIGH) & (1L << c)) == 0) {
                return false;
            }
        }
        return n > 2 || !value.equals(".") && !value.equals("..");
    }

    /**
     * Returns the id if it is valid.
     *
     * @param what what the id names, for the message, e.g. {@code "session id"}
     * @param value the candidate
     * @return {@code value}
     * @throws NullPointerException if {@code value} is null, naming {@code what}
     * @throws InvalidRequestException if it does not follow {@link #RULE}
     */
    public static String require(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!isValid(value)) {
            throw new InvalidRequestException("Invalid " + what + " " + quote(value) + ": an id is " + RULE);
        }
        return value;
    }

    /**
     * Quotes a string for an error message, escaping control characters and shortening long ones,
     * so a bad id never breaks a log line.
     *
     * @param value any string
     * @return a printable, quoted form
     */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder("'");
        int limit = Math.min(value.length(), 40);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (value.length() > limit) {
            sb.append("...(").append(value.length()).append(" chars)");
        }
        return sb.append('\'').toString();
    }
}
