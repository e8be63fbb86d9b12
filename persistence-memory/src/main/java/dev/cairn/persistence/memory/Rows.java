package dev.cairn.persistence.memory;

import java.util.Arrays;

/**
 * A table of rows of {@link #width} {@code long}s, row-major, in chunks of {@value #CHUNK} rows
 * (issue 19). A row's words are adjacent, so appending a node writes one cache line of one array
 * instead of a slot in each of a dozen arrays; and growing adds a chunk instead of copying the
 * table, so no append copies old rows. Only the first chunk grows by doubling (a session of a few
 * nodes keeps a few rows), up to {@value #CHUNK} rows.
 */
final class Rows {
    static final int BITS = 12;
    static final int CHUNK = 1 << BITS;
    static final int MASK = CHUNK - 1;
    private static final int FIRST = 16;

    private final int width;
    private long[][] chunks = new long[4][];
    /** How many rows fit in the chunks made so far. */
    private int capacity;

    /** @param width the words of a row */
    Rows(int width) {
        this.width = width;
    }

    /** Makes row {@code row} writable; rows are made in order, so {@code row} is at most the capacity. */
    void ensure(int row) {
        if (row >= capacity) {
            grow(row);
        }
    }

    private void grow(int row) {
        int c = row >>> BITS;
        if (c == 0) {
            int n = Math.min(CHUNK, Math.max(FIRST, capacity * 2));
            chunks[0] = chunks[0] == null ? new long[n * width] : Arrays.copyOf(chunks[0], n * width);
            capacity = n;
            return;
        }
        if (c == chunks.length) {
            chunks = Arrays.copyOf(chunks, c * 2);
        }
        chunks[c] = new long[CHUNK * width];
        capacity = (c + 1) << BITS;
    }

    /** @return the chunk that holds row {@code row}; its words start at {@link #offset(int)} */
    long[] chunk(int row) {
        return chunks[row >>> BITS];
    }

    /** @return the index of row {@code row}'s first word in its {@link #chunk(int)} */
    int offset(int row) {
        return (row & MASK) * width;
    }

    long get(int row, int word) {
        return chunks[row >>> BITS][(row & MASK) * width + word];
    }

    void set(int row, int word, long value) {
        chunks[row >>> BITS][(row & MASK) * width + word] = value;
    }

    /** Copies row {@code from} over row {@code to} (vacuum). */
    void move(int from, int to) {
        System.arraycopy(chunk(from), offset(from), chunk(to), offset(to), width);
    }

    /** Zeroes rows {@code from} (inclusive) to {@code to} (exclusive). */
    void clear(int from, int to) {
        for (int r = from; r < to; r++) {
            long[] c = chunk(r);
            int o = offset(r);
            Arrays.fill(c, o, o + width, 0L);
        }
    }

    /** @return the low half of a word */
    static int low(long word) {
        return (int) word;
    }

    /** @return the high half of a word */
    static int high(long word) {
        return (int) (word >>> 32);
    }

    /** @return a word of two halves */
    static long pack(int high, int low) {
        return ((long) high << 32) | (low & 0xffffffffL);
    }
}
