package dev.cairn.persistence.jdbc;

import java.time.Instant;

/**
 * Times are stored as nanoseconds since the epoch (an SQLite INTEGER), so every instant from 1677
 * to 2262 comes back exactly as stored. The clock is truncated to microseconds, as the memory
 * provider's is, so both providers report the same precision.
 */
public final class Times {
    private Times() {
    }

    /** @return the clock, truncated to microseconds */
    public static Instant now() {
        Instant t = Instant.now();
        int nanos = t.getNano();
        int extra = nanos % 1000;
        return extra == 0 ? t : Instant.ofEpochSecond(t.getEpochSecond(), nanos - extra);
    }

    /**
     * @param t an instant between 1677 and 2262
     * @return nanoseconds since the epoch
     * @throws ArithmeticException outside that range
     */
    public static long toNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    /** @return the stored value for a cursor instant, clamped to the range a column can hold */
    public static long toNanosClamped(Instant t) {
        try {
            return toNanos(t);
        } catch (ArithmeticException e) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * @param nanos nanoseconds since the epoch
     * @return the instant
     */
    public static Instant fromNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
