package dev.cairn.persistence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a successful commit.
 *
 * @param revision the session's revision after the commit
 * @param head the head after the commit
 * @param committedAt when the commit ran
 * @param checkpoint the checkpoint resolved at the new head
 * @param replayed true if an earlier commit with the same idempotency key and content was returned
 *     instead of writing (SPEC rule 7)
 */
public record RuntimeCommitResult(long revision, Optional<String> head, Instant committedAt, Checkpoint checkpoint,
                                  boolean replayed) {
    /** Validates. */
    public RuntimeCommitResult {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(committedAt, "committedAt");
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (revision < 1) {
            throw new IllegalArgumentException("a committed revision is at least 1, got " + revision);
        }
    }

    /**
     * @return the same result marked as replayed
     */
    public RuntimeCommitResult asReplayed() {
        return new RuntimeCommitResult(revision, head, committedAt, checkpoint, true);
    }
}
