package dev.cairn.persistence.memory;

import dev.cairn.persistence.UsageEntry;

/**
 * A usage entry with its position in the session's commit order, so a read can list the entries
 * of its nodes in commit order.
 *
 * @param ordinal the position among every entry ever recorded in the session
 * @param entry the entry
 */
record Turn(long ordinal, UsageEntry entry) {
}
