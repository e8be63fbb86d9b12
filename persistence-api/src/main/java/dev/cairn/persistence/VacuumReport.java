package dev.cairn.persistence;

/**
 * What {@link RuntimePersistence#vacuum()} did.
 *
 * @param nodesRemoved detached nodes removed for good
 * @param bytesReclaimed storage bytes given back (0 where a provider cannot measure it)
 */
public record VacuumReport(long nodesRemoved, long bytesReclaimed) {
    /** Validates. */
    public VacuumReport {
        if (nodesRemoved < 0 || bytesReclaimed < 0) {
            throw new IllegalArgumentException("report counts cannot be negative");
        }
    }
}
