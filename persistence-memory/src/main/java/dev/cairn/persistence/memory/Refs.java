package dev.cairn.persistence.memory;

import java.util.Arrays;

/**
 * References by position, in chunks of {@value #CHUNK}, made only where something is set: for
 * what few nodes have (attachments, slots) or what only reads make (views). An unset position is
 * null. Like {@link Rows}, setting never copies more than the first chunk.
 *
 * @param <T> the element type
 */
final class Refs<T> {
    private static final int BITS = 12;
    private static final int CHUNK = 1 << BITS;
    private static final int MASK = CHUNK - 1;
    private static final int FIRST = 16;

    private Object[][] chunks = new Object[4][];

    /** @return the reference at {@code pos}, or null */
    @SuppressWarnings("unchecked")
    T get(int pos) {
        int c = pos >>> BITS;
        if (c >= chunks.length) {
            return null;
        }
        Object[] chunk = chunks[c];
        int o = pos & MASK;
        return chunk == null || o >= chunk.length ? null : (T) chunk[o];
    }

    void set(int pos, T value) {
        int c = pos >>> BITS;
        int o = pos & MASK;
        Object[] chunk = c < chunks.length ? chunks[c] : null;
        if (chunk == null || o >= chunk.length) {
            if (value == null) {
                return;
            }
            chunk = grow(c, chunk, o);
        }
        chunk[o] = value;
    }

    private Object[] grow(int c, Object[] chunk, int o) {
        if (c >= chunks.length) {
            chunks = Arrays.copyOf(chunks, Math.max(c + 1, chunks.length * 2));
        }
        int n = c == 0 ? Math.min(CHUNK, Math.max(FIRST, Integer.highestOneBit(o) * 2)) : CHUNK;
        Object[] grown = chunk == null ? new Object[n] : Arrays.copyOf(chunk, n);
        chunks[c] = grown;
        return grown;
    }

    /** Unsets positions {@code from} (inclusive) to {@code to} (exclusive). */
    void clear(int from, int to) {
        for (int p = from; p < to; p++) {
            set(p, null);
        }
    }
}
