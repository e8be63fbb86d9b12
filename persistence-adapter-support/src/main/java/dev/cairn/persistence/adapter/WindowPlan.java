package dev.cairn.persistence.adapter;

import java.util.List;
import java.util.Objects;

/**
 * How an incoming window maps onto the stored one: for each incoming message either the index of the
 * stored view entry it is, or {@link #NEW}; and where the new messages go.
 *
 * @param mode where the new messages are appended
 * @param branchAfter for {@link Mode#BRANCH}, the index in the stored view of the node the branch
 *                    grows from; else -1
 * @param sources per incoming message, the stored view index it reuses or {@link #NEW}
 */
public record WindowPlan(Mode mode, int branchAfter, List<Integer> sources) {
    /** Marks an incoming message that becomes a new node. */
    public static final int NEW = -1;

    /** Validates and copies. */
    public WindowPlan {
        Objects.requireNonNull(mode, "mode");
        sources = List.copyOf(sources);
        if ((mode == Mode.BRANCH) != (branchAfter >= 0)) {
            throw new IllegalArgumentException("branchAfter is set exactly for BRANCH plans");
        }
    }

    /** Where new messages go. */
    public enum Mode {
        /** Under the head: the stored window, minus evicted messages at its front, is a prefix. */
        APPEND,
        /** Under a node of the stored window: a rewrite or a truncation after it; the head moves. */
        BRANCH,
        /** Under the head after a reset marker: nothing of the stored window is kept. */
        RESET
    }

    /** @return how many incoming messages become new nodes */
    public int newCount() {
        int n = 0;
        for (int s : sources) {
            if (s == NEW) {
                n++;
            }
        }
        return n;
    }
}
