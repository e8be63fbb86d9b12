package dev.cairn.persistence;

/**
 * Limits a store enforces on each commit (SPEC rule 8). The policy belongs to the store handle
 * that a factory returned, not to the stored session.
 *
 * @param maxPayloadBytes the largest node payload, in bytes
 * @param maxBlobBytes the largest attachment or checkpoint slot, in bytes
 */
public record StorePolicy(int maxPayloadBytes, long maxBlobBytes) {
    /** 8 MiB payloads, 64 MiB blobs. */
    public static final StorePolicy DEFAULT = new StorePolicy(8 << 20, 64L << 20);

    /** Validates. */
    public StorePolicy {
        if (maxPayloadBytes < 1 || maxBlobBytes < 1) {
            throw new InvalidRequestException("StorePolicy limits must be at least 1 byte, got maxPayloadBytes="
                    + maxPayloadBytes + ", maxBlobBytes=" + maxBlobBytes);
        }
    }
}
