package dev.cairn.persistence.memory;

import java.time.Instant;

/** The clock of the provider: wall time truncated to microseconds, like durable providers keep it. */
final class Times {
    private Times() {
    }

    /**
     * @return now, truncated to microseconds. Always a new {@code Instant} from the clock's one:
     *     returning either of two made the clock's escape, so a commit allocated both (issue 19);
     *     this way the JIT can leave the clock's out.
     */
    static Instant now() {
        Instant t = Instant.now();
        return Instant.ofEpochSecond(t.getEpochSecond(), t.getNano() / 1000 * 1000);
    }

    /** @return nanoseconds since the epoch; commit times of this provider fit until the year 2262 */
    static long toNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    static Instant fromNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
