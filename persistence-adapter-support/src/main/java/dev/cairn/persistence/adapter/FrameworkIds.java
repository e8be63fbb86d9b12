package dev.cairn.persistence.adapter;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionMeta;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Maps a framework's conversation ids onto Cairn session ids: {@code <prefix>:<id>} when the id is
 * legal for Cairn and short enough, else {@code <prefix>:h.<base32 of its SHA-256>}. The original id is
 * kept as the session attribute {@link #idAttribute()}, so listing by it works either way.
 *
 * @param prefix the framework's prefix, e.g. {@code lc4j}
 */
public record FrameworkIds(String prefix) {
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    /** Base32 characters of the hash kept in a hashed id: 130 bits. */
    private static final int HASH_CHARS = 26;

    /** Validates. */
    public FrameworkIds {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.matches("[a-z][a-z0-9]{0,15}")) {
            throw new IllegalArgumentException("prefix must be [a-z][a-z0-9]{0,15}, was " + prefix);
        }
    }

    /** @return the session attribute that holds the framework's original id */
    public String idAttribute() {
        return prefix + ".id";
    }

    /**
     * The session id of a framework id.
     *
     * @param frameworkId the framework's id, 1 to {@link SessionMeta#MAX_ATTRIBUTE_VALUE} characters
     *                    without NUL
     * @return the Cairn session id
     * @throws InvalidRequestException if the id is empty, too long or holds NUL
     */
    public String sessionId(String frameworkId) {
        requireStorable(frameworkId);
        String direct = prefix + ":" + frameworkId;
        if (direct.length() <= Ids.MAX_LENGTH && Ids.isValid(direct) && !frameworkId.startsWith("h.")) {
            return direct;
        }
        return prefix + ":h." + base32(ContentHash.digest(frameworkId.getBytes(StandardCharsets.UTF_8)), HASH_CHARS);
    }

    /**
     * Checks that a framework id can be kept as an attribute value.
     *
     * @param frameworkId the id
     * @throws InvalidRequestException if it is empty, too long or holds NUL
     */
    public void requireStorable(String frameworkId) {
        Objects.requireNonNull(frameworkId, "conversation id");
        if (frameworkId.isEmpty()) {
            throw new InvalidRequestException("a conversation id must not be empty");
        }
        if (frameworkId.length() > SessionMeta.MAX_ATTRIBUTE_VALUE) {
            throw new InvalidRequestException("a conversation id may have at most " + SessionMeta.MAX_ATTRIBUTE_VALUE
                    + " characters; this one has " + frameworkId.length());
        }
        if (frameworkId.indexOf('\0') >= 0) {
            throw new InvalidRequestException("a conversation id must not contain NUL characters");
        }
    }

    /**
     * Lower-case base32 (RFC 4648 alphabet, no padding) of the first bits of {@code bytes}.
     *
     * @param bytes the bytes
     * @param chars how many characters to produce
     * @return the text
     */
    static String base32(byte[] bytes, int chars) {
        StringBuilder out = new StringBuilder(chars);
        int buffer = 0;
        int bits = 0;
        int i = 0;
        while (out.length() < chars) {
            if (bits < 5) {
                buffer = (buffer << 8) | (i < bytes.length ? bytes[i++] & 0xff : 0);
                bits += 8;
            }
            out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
            bits -= 5;
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
