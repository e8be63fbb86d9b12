package dev.cairn.persistence.memory;

import java.util.Arrays;

/**
 * A table of rows of {@link #width} {@code long}s, row-major, in chunks of a fixed number of rows
 * (issue 19). A row's words are adjacent, so appending a node writes one cache line of one array
 * instead of a slot in each of a dozen arrays; and growing adds a chunk instead of copying the
 * table, so no append copies old rows. A chunk is as large as {@link LargeArrays} says (at least
 * {@value #MIN_CHUNK} rows), so the collector does not copy it either. Only the first chunk grows
 * by doubling, so a session of a few nodes keeps a few rows.
 */
final class Rows {
    private static final int MIN_CHUNK = 4096;
    private static final int FIRST = 16;

    private final int width;
    /** Rows per chunk: {@code 1 << bits}. */
    private final int bits;
    private final int mask;
    private long[][] chunks = new long[4][];
    /** How many rows fit in the chunks made so far. */
    private int capacity;

    /** @param width the words of a row */
    Rows(int width) {
        this.width = width;
        int rows = Math.max(MIN_CHUNK, Integer.highestOneBit(LargeArrays.BYTES / (width * Long.BYTES)));
        this.bits = Integer.numberOfTrailingZeros(rows);
        this.mask = rows - 1;
    }

    /** Makes row {@code row} writable; rows are made in order, so {@code row} is at most the capacity. */
    void ensure(int row) {
        if (row >= capacity) {
            grow(row);
        }
    }

    private void grow(int row) {
        int c = row >>> bits;
        if (c == 0) {
            int n = Math.min(mask + 1, Math.max(FIRST, capacity * 2));
            chunks[0] = chunks[0] == null ? new long[n * width] : Arrays.copyOf(chunks[0], n * width);
            capacity = n;
            return;
        }
        if (c == chunks.length) {
            chunks = Arrays.copyOf(chunks, c * 2);
        }
        chunks[c] = new long[(mask + 1) * width];
        capacity = (c + 1) << bits;
    }

    /** @return the chunk that holds row {@code row}; its words start at {@link #offset(int)} */
    long[] chunk(int row) {
        return chunks[row >>> bits];
    }

    /** @return the index of row {@code row}'s first word in its {@link #chunk(int)} */
    int offset(int row) {
        return (row & mask) * width;
    }

    long get(int row, int word) {
        return chunks[row >>> bits][(row & mask) * width + word];
    }

    void set(int row, int word, long value) {
        chunks[row >>> bits][(row & mask) * width + word] = value;
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
