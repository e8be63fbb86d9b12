package dev.cairn.persistence;

import java.util.Objects;

/**
 * Bytes a commit carries to store as a blob (an attachment or a checkpoint slot). Two blobs are
 * equal when their hashes are: the hash names the bytes.
 *
 * @param hash the SHA-256 of {@code bytes}
 * @param bytes the uncompressed bytes; copied
 */
public record NewBlob(ContentHash hash, byte[] bytes) {
    /** Validates and copies. */
    public NewBlob {
        Objects.requireNonNull(hash, "hash");
        bytes = Objects.requireNonNull(bytes, "bytes").clone();
    }

    /**
     * @param bytes the bytes
     * @return the blob, hashed
     */
    public static NewBlob of(byte[] bytes) {
        return new NewBlob(ContentHash.of(bytes), bytes);
    }

    /** @return a copy of the bytes */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return the number of bytes, without copying them */
    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NewBlob b && hash.equals(b.hash);
    }

    @Override
    public int hashCode() {
        return hash.hashCode();
    }

    @Override
    public String toString() {
        return "NewBlob[" + hash + ", " + bytes.length + " bytes]";
    }
}
