package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.PersistedSessionRead;
import java.util.Objects;
import java.util.Optional;

/**
 * The state a step builds its commit on: the revision it expects, the head its first node hangs
 * under, and the checkpoint at that head.
 *
 * @param revision the revision the commit expects
 * @param head the head node, empty for a new session
 * @param checkpoint the checkpoint resolved at the head
 */
record StepBase(long revision, Optional<String> head, Checkpoint checkpoint) {
    StepBase {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }

    static StepBase of(PersistedSessionRead read) {
        return new StepBase(read.head().revision(), read.head().nodeId(), read.checkpoint());
    }
}
