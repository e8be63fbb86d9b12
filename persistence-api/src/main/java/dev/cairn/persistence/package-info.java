/**
 * The Cairn persistence API.
 *
 * <p>A host opens a {@link dev.cairn.persistence.SessionStoreFactory} with
 * {@link dev.cairn.persistence.SessionStores#open(String)}, asks it for the
 * {@link dev.cairn.persistence.RuntimePersistence} of a session, and records every event of the
 * conversation as an immutable node with {@link dev.cairn.persistence.RuntimeCommit}s. The rules every
 * implementation keeps are numbered in {@code docs/SPEC.md}; the TCK checks each of them.
 *
 * <p>Every type is thread-safe or immutable; no method returns {@code null}.
 */
@NullMarked
package dev.cairn.persistence;

import org.jspecify.annotations.NullMarked;
