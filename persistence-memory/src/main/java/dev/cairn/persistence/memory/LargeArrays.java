package dev.cairn.persistence.memory;

/**
 * How large an array must be for the collector to keep it out of the young generation (issue 19).
 * G1 allocates an object of at least half a heap region as "humongous", directly in the old
 * generation, so a young collection neither copies nor scans it. A session's pages and row chunks
 * are made that large once the session is, and at most one region, so each fills one region.
 *
 * <p>The region size is G1's ergonomic one for this JVM's maximum heap: {@code maxHeap / 2048},
 * rounded up to a power of two, between 1 and 32 MiB (HotSpot's rule unless
 * {@code -XX:G1HeapRegionSize} is given). When the guess is wrong, or another collector runs,
 * nothing breaks: the arrays are copied like any other.
 */
final class LargeArrays {
    private static final long MIN_REGION = 1L << 20;
    private static final long MAX_REGION = 32L << 20;
    /** The array header HotSpot allocates in front of the elements, with compressed class pointers, rounded up. */
    private static final int HEADER = 16;

    /** The bytes a large array may hold: one region less its header. */
    static final int BYTES = (int) (region(Runtime.getRuntime().maxMemory()) - HEADER);

    private LargeArrays() {
    }

    /** @return G1's ergonomic region size for a maximum heap of {@code maxHeap} bytes */
    static long region(long maxHeap) {
        long r = Math.min(MAX_REGION, Math.max(MIN_REGION, maxHeap / 2048));
        long up = Long.highestOneBit(r);
        return up == r ? r : Math.min(MAX_REGION, up << 1);
    }
}
