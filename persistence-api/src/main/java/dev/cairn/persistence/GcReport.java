package dev.cairn.persistence;

/**
 * What {@link RuntimePersistence#gcUnreachable()} did.
 *
 * @param nodesDetached tombstoned nodes it detached
 * @param blobsDeleted blobs it deleted because no live node referenced them
 * @param bytesFreed uncompressed bytes of the deleted blobs
 */
public record GcReport(long nodesDetached, long blobsDeleted, long bytesFreed) {
    /** Validates. */
    public GcReport {
        if (nodesDetached < 0 || blobsDeleted < 0 || bytesFreed < 0) {
            throw new IllegalArgumentException("report counts cannot be negative");
        }
    }
}
