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
}
