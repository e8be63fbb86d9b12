package dev.cairn.persistence.memory;

import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;

/**
 * The usage entries of one session, in commit order, as rows of {@link Rows} (issue 19): entry
 * {@code t} is the {@code t}-th ever recorded, so its number is its place in the commit order. A
 * node reaches its entries through {@link NodeTable#lastTurn} and {@link #previous}; reads build the
 * {@link UsageEntry}s. Entries of nodes that vacuum removed stay here, unreachable; the ledger's
 * totals keep them anyway.
 */
final class Turns {
    // An entry's row: revision, time (nanoseconds since the epoch), the four counts in TokenUsage's
    // order, then the model's number high and the node's entry before (plus one, 0 for none) low.
    private static final int REVISION = 0;
    private static final int RECORDED = 1;
    private static final int COUNTS = 2;
    private static final int LINK = 6;
    private static final int WIDTH = 7;

    final Interned<String> models = new Interned<>();
    int size;
    private final Rows rows = new Rows(WIDTH);

    /**
     * Records an entry.
     *
     * @param before the node's last entry so far, plus one (0 for none)
     * @return the new entry's number, plus one: the node's last entry now
     */
    int add(long rev, String modelName, TokenUsage u, long recordedNanos, int before) {
        int t = size;
        rows.ensure(t);
        long[] c = rows.chunk(t);
        int o = rows.offset(t);
        c[o + REVISION] = rev;
        c[o + RECORDED] = recordedNanos;
        c[o + COUNTS] = u.inputTokens();
        c[o + COUNTS + 1] = u.outputTokens();
        c[o + COUNTS + 2] = u.cachedInputTokens();
        c[o + COUNTS + 3] = u.reasoningTokens();
        c[o + LINK] = Rows.pack(models.of(modelName), before);
        size = t + 1;
        return t + 1;
    }

    /** @return the entry recorded before entry {@code t} for the same node, plus one; 0 for none */
    int previous(int t) {
        return Rows.low(rows.get(t, LINK));
    }

    /** @return entry {@code t} as the ledger reports it */
    UsageEntry entry(int t, String nodeId) {
        long[] c = rows.chunk(t);
        int o = rows.offset(t);
        return new UsageEntry(c[o + REVISION], nodeId, models.get(Rows.high(c[o + LINK])),
                new TokenUsage(c[o + COUNTS], c[o + COUNTS + 1], c[o + COUNTS + 2], c[o + COUNTS + 3]),
                Times.fromNanos(c[o + RECORDED]));
    }
}
