package dev.cairn.persistence.adapter;

import dev.cairn.persistence.ContentHash;

import java.util.List;
import java.util.Optional;

/**
 * What a conversation looked like at one revision: enough to plan the next update without a read.
 *
 * @param exists whether the session exists
 * @param revision its revision
 * @param head its head
 * @param window the hash of the window slot resolved at the head, if there is one
 * @param description the window slot resolved at the head, if there is one
 * @param entries the window's messages, in the framework's order
 * @param <M> the framework's message type
 */
record WindowSnapshot<M>(boolean exists, long revision, Optional<String> head, Optional<ContentHash> window,
                         Optional<WindowDescription> description, List<WindowEntry<M>> entries) {
    WindowSnapshot {
        entries = List.copyOf(entries);
    }

    static <M> WindowSnapshot<M> absent() {
        return new WindowSnapshot<>(false, 0, Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    /** Every commit raises the revision, so the same revision and head mean the same window. */
    boolean sameState(long otherRevision, Optional<String> otherHead) {
        return exists && revision == otherRevision && head.equals(otherHead);
    }
}
