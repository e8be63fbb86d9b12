package dev.cairn.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The SHA-256 of some bytes, in lower-case hex. Blobs are stored and found by the hash of their
 * uncompressed bytes; node payloads carry theirs.
 *
 * @param hex 64 lower-case hex digits
 */
public record ContentHash(String hex) {
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    /**
     * Validates the hex form.
     *
     * @throws InvalidRequestException if {@code hex} is not 64 lower-case hex digits
     */
    public ContentHash {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 64 || !isLowerHex(hex)) {
            throw new InvalidRequestException("Invalid content hash " + Ids.quote(hex)
                    + ": a SHA-256 is 64 lower-case hex digits, optionally prefixed with 'sha256:'");
        }
    }

    /**
     * Hashes bytes.
     *
     * @param bytes the bytes
     * @return their SHA-256
     */
    public static ContentHash of(byte[] bytes) {
        return ofDigest(digest(bytes));
    }

    /**
     * Parses a hash written as hex, with or without a {@code sha256:} prefix.
     *
     * @param text the hash
     * @return the hash
     * @throws InvalidRequestException if it is not a SHA-256 in hex
     */
    public static ContentHash parse(String text) {
        Objects.requireNonNull(text, "text");
        String hex = text.startsWith("sha256:") ? text.substring(7) : text;
        return new ContentHash(hex);
    }

    /**
     * Makes a hash from a 32-byte digest.
     *
     * @param digest the raw SHA-256 digest
     * @return the hash
     */
    public static ContentHash ofDigest(byte[] digest) {
        if (digest.length != 32) {
            throw new InvalidRequestException("A SHA-256 digest is 32 bytes, got " + digest.length);
        }
        byte[] out = new byte[64];
        for (int i = 0; i < 32; i++) {
            out[2 * i] = DIGITS[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[digest[i] & 0xf];
        }
        // Latin-1 bytes become the string as they are (a char[] would be compressed first).
        return new ContentHash(new String(out, StandardCharsets.ISO_8859_1));
    }

    /**
     * Computes a raw SHA-256 digest with a per-thread {@link MessageDigest}.
     *
     * @param bytes the bytes
     * @return the 32-byte digest
     */
    public static byte[] digest(byte[] bytes) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(bytes);
    }

    /**
     * Tells whether bytes hash to this hash.
     *
     * @param bytes the bytes to check
     * @return true if their SHA-256 is this one
     */
    public boolean matches(byte[] bytes) {
        return MessageDigest.isEqual(digest(bytes), toBytes());
    }

    /** @return the 32-byte digest */
    public byte[] toBytes() {
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            out[i] = (byte) ((Character.digit(hex.charAt(2 * i), 16) << 4) | Character.digit(hex.charAt(2 * i + 1), 16));
        }
        return out;
    }

    /** @return {@code sha256:} followed by the hex digits */
    @Override
    public String toString() {
        return "sha256:" + hex;
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
