package dev.cairn.persistence.memory;

import java.time.Instant;

/** The clock of the provider: wall time truncated to microseconds, like durable providers keep it. */
final class Times {
    private Times() {
    }

    static Instant now() {
        Instant t = Instant.now();
        int nanos = t.getNano();
        int extra = nanos % 1000;
        return extra == 0 ? t : Instant.ofEpochSecond(t.getEpochSecond(), nanos - extra);
    }

    /** @return nanoseconds since the epoch; commit times of this provider fit until the year 2262 */
    static long toNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    static Instant fromNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
