package dev.cairn.persistence.memory;

import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import java.util.Arrays;

/**
 * The usage entries of one session, in commit order, as columns (issue 19): entry {@code t} is
 * the {@code t}-th ever recorded, so its number is its place in the commit order. A node reaches its
 * entries through {@link NodeTable#lastTurn} and {@link #previous}; reads build the
 * {@link UsageEntry}s. Entries of nodes that vacuum removed stay here, unreachable; the ledger's
 * totals keep them anyway.
 */
final class Turns {
    private static final int INITIAL = 16;

    final Interned<String> models = new Interned<>();
    int size;
    private long[] revision = new long[INITIAL];
    private int[] model = new int[INITIAL];
    /** The four counts of each entry, {@link TokenUsage}'s order. */
    private long[] counts = new long[INITIAL * 4];
    /** Nanoseconds since the epoch. */
    private long[] recordedAt = new long[INITIAL];
    /** The same node's entry before this one, plus one; 0 for none. */
    private int[] previous = new int[INITIAL];

    /**
     * Records an entry.
     *
     * @param before the node's last entry so far, plus one (0 for none)
     * @return the new entry's number, plus one: the node's last entry now
     */
    int add(long rev, String modelName, TokenUsage u, long recordedNanos, int before) {
        if (size == revision.length) {
            int n = size * 2;
            revision = Arrays.copyOf(revision, n);
            model = Arrays.copyOf(model, n);
            counts = Arrays.copyOf(counts, n * 4);
            recordedAt = Arrays.copyOf(recordedAt, n);
            previous = Arrays.copyOf(previous, n);
        }
        int t = size++;
        revision[t] = rev;
        model[t] = models.of(modelName);
        counts[4 * t] = u.inputTokens();
        counts[4 * t + 1] = u.outputTokens();
        counts[4 * t + 2] = u.cachedInputTokens();
        counts[4 * t + 3] = u.reasoningTokens();
        recordedAt[t] = recordedNanos;
        previous[t] = before;
        return t + 1;
    }

    /** @return the entry recorded before entry {@code t} for the same node, plus one; 0 for none */
    int previous(int t) {
        return previous[t];
    }

    /** @return entry {@code t} as the ledger reports it */
    UsageEntry entry(int t, String nodeId) {
        return new UsageEntry(revision[t], nodeId, models.get(model[t]),
                new TokenUsage(counts[4 * t], counts[4 * t + 1], counts[4 * t + 2], counts[4 * t + 3]),
                Times.fromNanos(recordedAt[t]));
    }
}
