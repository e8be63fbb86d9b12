package dev.cairn.persistence.memory;

import dev.cairn.persistence.UsageEntry;
import dev.cairn.persistence.UsageRecord;
import java.time.Instant;

/**
 * A usage record as committed, with its position in the session's commit order, so a read can list
 * the entries of its nodes in commit order. It keeps the commit's immutable {@link UsageRecord}
 * instead of a {@link UsageEntry} copy: reads build the entry (issue 19: one object less per
 * commit that stays reachable).
 *
 * @param ordinal the position among every entry ever recorded in the session
 * @param revision the revision of the commit that recorded it
 * @param record the record
 * @param recordedAt when it was committed
 */
record Turn(long ordinal, long revision, UsageRecord record, Instant recordedAt) {
    /** @return the entry as the ledger reports it */
    UsageEntry entry() {
        return new UsageEntry(revision, record.nodeId(), record.model(), record.usage(), recordedAt);
    }
}
