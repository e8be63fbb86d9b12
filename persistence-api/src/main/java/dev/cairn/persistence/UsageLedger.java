package dev.cairn.persistence;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The token ledger of a session. {@code total} and {@code byModel} sum every usage record ever
 * committed in the session, on abandoned, tombstoned and vacuumed branches too (SPEC rule 14).
 * {@code turns} lists the entries of the nodes a read returned, in commit order (see
 * {@link PersistedSessionRead}).
 *
 * @param total the sum over all models
 * @param byModel the sum per model, sorted by model name
 * @param turns the entries of the nodes of the read
 */
public record UsageLedger(TokenUsage total, Map<String, TokenUsage> byModel, List<UsageEntry> turns) {
    /** An empty ledger. */
    public static final UsageLedger EMPTY = new UsageLedger(TokenUsage.ZERO, Map.of(), List.of());

    /** Validates and copies. */
    public UsageLedger {
        Objects.requireNonNull(total, "total");
        byModel = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(byModel, "byModel")));
        turns = List.copyOf(Objects.requireNonNull(turns, "turns"));
    }

    /**
     * Sums usage by model.
     *
     * @param byModelSums the per-model sums
     * @param turns the entries to list
     * @return the ledger, its total the sum of {@code byModelSums}
     */
    public static UsageLedger of(Map<String, TokenUsage> byModelSums, List<UsageEntry> turns) {
        TokenUsage total = TokenUsage.ZERO;
        for (TokenUsage u : byModelSums.values()) {
            total = total.plus(u);
        }
        return new UsageLedger(total, byModelSums, turns);
    }

    /**
     * Builds a ledger from every entry of a session.
     *
     * @param entries all entries
     * @return the ledger with all of them as turns
     */
    public static UsageLedger ofEntries(Collection<UsageEntry> entries) {
        Map<String, TokenUsage> sums = new TreeMap<>();
        for (UsageEntry e : entries) {
            sums.merge(e.model(), e.usage(), TokenUsage::plus);
        }
        return of(sums, List.copyOf(entries));
    }
}
