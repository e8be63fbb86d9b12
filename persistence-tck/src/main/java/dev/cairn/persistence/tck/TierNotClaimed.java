package dev.cairn.persistence.tck;

import org.opentest4j.TestAbortedException;

/**
 * Thrown by a test of a durability tier above the one the provider declares (the power-cut test for
 * a {@code PROCESS_CRASH_SAFE} provider): the test does not apply, and the conformance report lists
 * it as not claimed rather than skipped, so that it does not keep the provider from {@code FULL} at
 * its own tier.
 */
final class TierNotClaimed extends TestAbortedException {
    private static final long serialVersionUID = 1L;

    TierNotClaimed(String message) {
        super(message);
    }
}
