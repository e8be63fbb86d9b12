package dev.cairn.persistence;

import java.util.Objects;

/**
 * A reference to a stored blob: its hash, its uncompressed size and the media type the reference
 * gives it. One blob may be referenced under several media types; the bytes are stored once.
 *
 * @param hash the SHA-256 of the uncompressed bytes
 * @param size the uncompressed size in bytes
 * @param mediaType a media type such as {@code image/png} or {@code text/plain; charset=utf-8}
 */
public record BlobRef(ContentHash hash, long size, String mediaType) {
    /** The media type of checkpoint slots and of bytes with no better type. */
    public static final String OCTET_STREAM = "application/octet-stream";

    /**
     * Validates the reference.
     *
     * @throws InvalidRequestException if the size is negative or the media type is malformed
     */
    public BlobRef {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(mediaType, "mediaType");
        if (size < 0) {
            throw new InvalidRequestException("A blob size cannot be negative, got " + size);
        }
        requireMediaType(mediaType);
    }

    /**
     * Describes bytes as a blob reference (hashes them).
     *
     * @param bytes the blob's bytes
     * @param mediaType its media type
     * @return the reference
     */
    public static BlobRef of(byte[] bytes, String mediaType) {
        return new BlobRef(ContentHash.of(bytes), bytes.length, mediaType);
    }

    static void requireMediaType(String mediaType) {
        int slash = mediaType.indexOf('/');
        boolean ok = mediaType.length() <= 255 && slash > 0 && slash < mediaType.length() - 1;
        for (int i = 0; ok && i < mediaType.length(); i++) {
            char c = mediaType.charAt(i);
            ok = c >= 0x20 && c < 0x7f;
        }
        if (!ok) {
            throw new InvalidRequestException("Invalid media type " + Ids.quote(mediaType)
                    + ": expected type/subtype with optional parameters, printable ASCII, at most 255 characters");
        }
    }
}
