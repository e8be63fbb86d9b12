package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.UsageLedger;
import dev.cairn.persistence.tck.ForwardingRuntimePersistence;
import dev.cairn.persistence.tck.ForwardingSessionStoreFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deliberately broken stores around the memory provider, one promise each, as kit subclasses. The
 * kit must catch every one of them (see {@link MutantsAreCaughtTest}).
 */
final class Mutants {
    private Mutants() {
    }

    /** Every mutant kit, in the order the mutant test runs them. */
    static final List<Class<? extends MutantKit>> ALL = List.of(IgnoresExpectedRevision.class,
            CheckThenActRevision.class, LeaksNodeOfFailedCommit.class, IgnoresIdempotencyKey.class,
            IgnoresStorePolicy.class, ReopensWithDefaultPolicy.class, ActivePathLeafFirst.class, CorruptsBlobBytes.class,
            LatestCheckpointWins.class, StaleReadsPerHandle.class, LedgerCountsOnlyReadTurns.class,
            TombstoneDoesNotCascade.class, GcForgetsCheckpointBlobs.class, ForkCopiesHeadPath.class,
            OverwritesMetadata.class, ListsOldestFirst.class, KeepsBlobsOfDeletedSessions.class,
            CloseDoesNotClose.class);

    /** The control: the forwarding wrappers without a mutation must pass the whole kit. */
    static final class Unmodified extends MutantKit {
        Unmodified() {
            super(0, "nothing (control)");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, ForwardingRuntimePersistence::new);
        }
    }

    private static PersistedSessionRead withNodes(PersistedSessionRead r, List<SessionNode> nodes) {
        return new PersistedSessionRead(r.meta(), r.head(), nodes, r.checkpoint(), r.usage());
    }

    // ------------------------------------------------------------------ rule 3

    /** Commits every commit as unconditional: no compare-and-set at all. */
    static final class IgnoresExpectedRevision extends MutantKit {
        IgnoresExpectedRevision() {
            super(3, "ignores the expected revision");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    return super.commitRuntimeState(Commits.unconditional(c));
                }
            });
        }
    }

    /** Reads the revision, compares, and then commits unconditionally: a check-then-act race. */
    static final class CheckThenActRevision extends MutantKit {
        CheckThenActRevision() {
            super(3, "checks the revision, then writes without holding a lock");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    if (c.expectedRevision().isPresent()) {
                        long actual = delegate().loadSession(SessionReadScope.activePathTail(1))
                                .map(r -> r.head().revision()).orElse(0L);
                        if (actual != c.expectedRevision().getAsLong()) {
                            throw new RevisionConflictException(sessionId(), c.expectedRevision().getAsLong(), actual);
                        }
                        long until = System.nanoTime() + 200_000;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                    return super.commitRuntimeState(Commits.unconditional(c));
                }
            });
        }
    }

    // ------------------------------------------------------------------ rules 1, 7, 8

    /** When a commit fails, stores its first node anyway. */
    static final class LeaksNodeOfFailedCommit extends MutantKit {
        LeaksNodeOfFailedCommit() {
            super(1, "leaves the first node of a failed commit behind");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    try {
                        return super.commitRuntimeState(c);
                    } catch (InvalidRequestException | RevisionConflictException e) {
                        if (!c.nodes().isEmpty()) {
                            NewNode first = c.nodes().get(0);
                            NewNode bare = new NewNode(first.nodeId(), first.parentNodeId(), first.kind(), first.payload(),
                                    List.of());
                            try {
                                delegate().commitRuntimeState(RuntimeCommit.unconditional().append(bare).build());
                            } catch (RuntimeException ignored) {
                                // the leak is best effort
                            }
                        }
                        throw e;
                    }
                }
            });
        }
    }

    /** Drops idempotency keys: a retry is committed again. */
    static final class IgnoresIdempotencyKey extends MutantKit {
        IgnoresIdempotencyKey() {
            super(7, "ignores idempotency keys");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    return super.commitRuntimeState(Commits.withoutKey(c));
                }
            });
        }
    }

    /** Gives every store the default policy, whatever the request said. */
    static final class IgnoresStorePolicy extends MutantKit {
        IgnoresStorePolicy() {
            super(8, "ignores the StorePolicy of createStore and forkSession");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory) {
                @Override
                public RuntimePersistence createStore(SessionStoreCreateRequest r) {
                    return super.createStore(r.withPolicy(StorePolicy.DEFAULT));
                }

                @Override
                public RuntimePersistence forkSession(ForkRequest r) {
                    return super.forkSession(ForkRequest.of(r.sourceSessionId(), r.atNodeId(), r.newSessionId()));
                }
            };
        }
    }

    /** Reopens every session with the default policy, whatever {@code openExisting(id, policy)} was given. */
    static final class ReopensWithDefaultPolicy extends MutantKit {
        ReopensWithDefaultPolicy() {
            super(8, "ignores the StorePolicy of openExisting(id, policy)");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory) {
                @Override
                public Optional<RuntimePersistence> openExisting(String sessionId, StorePolicy policy) {
                    return super.openExisting(sessionId, StorePolicy.DEFAULT);
                }
            };
        }
    }

    // ------------------------------------------------------------------ rules 9 to 14

    /** Lists active paths leaf first. */
    static final class ActivePathLeafFirst extends MutantKit {
        ActivePathLeafFirst() {
            super(9, "lists the active path from the head to the root");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    return super.loadSession(scope).map(r -> {
                        if (scope instanceof SessionReadScope.FullGraph || scope instanceof SessionReadScope.FullGraphWithTombstones) {
                            return r;
                        }
                        List<SessionNode> reversed = new ArrayList<>(r.nodes());
                        java.util.Collections.reverse(reversed);
                        return withNodes(r, reversed);
                    });
                }
            });
        }
    }

    /** Returns blob bytes with one bit flipped. */
    static final class CorruptsBlobBytes extends MutantKit {
        CorruptsBlobBytes() {
            super(13, "returns blob bytes that do not match their hash");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public Optional<byte[]> loadBlob(ContentHash hash) {
                    return super.loadBlob(hash).map(b -> {
                        if (b.length > 100) {
                            b[b.length / 2] ^= 1;
                        }
                        return b;
                    });
                }
            });
        }
    }

    /** Resolves each slot to the value committed last, wherever the read's path goes. */
    static final class LatestCheckpointWins extends MutantKit {
        LatestCheckpointWins() {
            super(11, "returns the latest committed slot instead of the nearest one on a rewound path");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Map<String, Map<String, CheckpointSlot>> latest = new ConcurrentHashMap<>();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    RuntimeCommitResult r = super.commitRuntimeState(c);
                    if (!r.replayed() && r.head().isPresent()) {
                        Map<String, CheckpointSlot> slots = latest.computeIfAbsent(sessionId(), k -> new ConcurrentHashMap<>());
                        c.checkpoint().forEach((slot, ref) -> slots.put(slot, new CheckpointSlot(slot, r.head().get(), ref)));
                    }
                    return r;
                }

                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    return super.loadSession(scope).map(r -> {
                        Map<String, CheckpointSlot> slots = new TreeMap<>(r.checkpoint().slots());
                        slots.putAll(latest.getOrDefault(sessionId(), Map.of()));
                        return new PersistedSessionRead(r.meta(), r.head(), r.nodes(), new Checkpoint(slots), r.usage());
                    });
                }
            });
        }
    }

    /** Each store handle caches its reads until it commits itself: other handles' commits stay invisible. */
    static final class StaleReadsPerHandle extends MutantKit {
        StaleReadsPerHandle() {
            super(12, "caches reads per store handle");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                private final Map<SessionReadScope, Optional<PersistedSessionRead>> cache = new ConcurrentHashMap<>();

                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    return cache.computeIfAbsent(scope, super::loadSession);
                }

                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    cache.clear();
                    return super.commitRuntimeState(c);
                }

                @Override
                public int tombstoneNodes(Collection<String> ids) {
                    cache.clear();
                    return super.tombstoneNodes(ids);
                }
            });
        }
    }

    /** Sums only the turns of the read instead of every usage record of the session. */
    static final class LedgerCountsOnlyReadTurns extends MutantKit {
        LedgerCountsOnlyReadTurns() {
            super(14, "sums only the usage of the nodes a read returns");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    return super.loadSession(scope).map(r -> new PersistedSessionRead(r.meta(), r.head(), r.nodes(),
                            r.checkpoint(), UsageLedger.ofEntries(r.usage().turns())));
                }
            });
        }
    }

    // ------------------------------------------------------------------ rules 15, 16

    /** Tombstones only the named nodes: their descendants stay visible and are not counted. */
    static final class TombstoneDoesNotCascade extends MutantKit {
        TombstoneDoesNotCascade() {
            super(15, "does not tombstone descendants");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Map<String, Set<String>> spared = new ConcurrentHashMap<>();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                private Set<String> spared() {
                    return spared.computeIfAbsent(sessionId(), k -> ConcurrentHashMap.newKeySet());
                }

                @Override
                public int tombstoneNodes(Collection<String> ids) {
                    List<SessionNode> all = delegate().loadSession(SessionReadScope.fullGraph()).map(PersistedSessionRead::nodes)
                            .orElse(List.of());
                    Map<String, List<String>> children = new HashMap<>();
                    all.forEach(n -> n.parentNodeId().ifPresent(p -> children.computeIfAbsent(p, k -> new ArrayList<>())
                            .add(n.nodeId())));
                    Set<String> descendants = new HashSet<>();
                    List<String> todo = new ArrayList<>();
                    ids.forEach(id -> todo.addAll(children.getOrDefault(id, List.of())));
                    while (!todo.isEmpty()) {
                        String id = todo.remove(todo.size() - 1);
                        if (descendants.add(id)) {
                            todo.addAll(children.getOrDefault(id, List.of()));
                        }
                    }
                    descendants.removeAll(ids);
                    int n = super.tombstoneNodes(ids);
                    spared().addAll(descendants);
                    return n - descendants.size();
                }

                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    if (!(scope instanceof SessionReadScope.FullGraph) || spared().isEmpty()) {
                        return super.loadSession(scope);
                    }
                    return super.loadSession(SessionReadScope.fullGraphWithTombstones()).map(r -> {
                        List<SessionNode> nodes = new ArrayList<>();
                        for (SessionNode n : r.nodes()) {
                            if (!n.tombstoned() || spared().contains(n.nodeId())) {
                                nodes.add(new SessionNode(n.nodeId(), n.parentNodeId(), n.kind(), n.payload(), n.attachments(),
                                        n.seq(), n.createdAt(), false, n.payloadHash()));
                            }
                        }
                        return withNodes(r, nodes);
                    });
                }
            });
        }
    }

    /** Treats blobs that only checkpoint slots reference as garbage. */
    static final class GcForgetsCheckpointBlobs extends MutantKit {
        GcForgetsCheckpointBlobs() {
            super(16, "deletes blobs that only checkpoint slots reference");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Set<ContentHash> slotOnly = ConcurrentHashMap.newKeySet();
            Set<ContentHash> attached = ConcurrentHashMap.newKeySet();
            Set<ContentHash> lost = ConcurrentHashMap.newKeySet();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    RuntimeCommitResult r = super.commitRuntimeState(c);
                    c.nodes().forEach(n -> n.attachments().forEach(a -> attached.add(a.hash())));
                    c.checkpoint().values().forEach(ref -> slotOnly.add(ref.hash()));
                    lost.removeAll(c.blobs().keySet());
                    return r;
                }

                @Override
                public GcReport gcUnreachable() {
                    GcReport r = super.gcUnreachable();
                    for (ContentHash h : slotOnly) {
                        if (!attached.contains(h)) {
                            lost.add(h);
                        }
                    }
                    return r;
                }

                @Override
                public Optional<byte[]> loadBlob(ContentHash hash) {
                    return lost.contains(hash) ? Optional.empty() : super.loadBlob(hash);
                }
            });
        }
    }

    // ------------------------------------------------------------------ rules 18 to 22

    /** Forks at the source's head instead of at the requested node. */
    static final class ForkCopiesHeadPath extends MutantKit {
        ForkCopiesHeadPath() {
            super(20, "copies the source's path to its head, not to the fork node");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory) {
                @Override
                public RuntimePersistence forkSession(ForkRequest r) {
                    Optional<String> head = delegate().openExisting(r.sourceSessionId())
                            .flatMap(s -> s.loadSession(SessionReadScope.activePathTail(1)))
                            .flatMap(x -> x.head().nodeId());
                    String at = head.orElse(r.atNodeId());
                    return super.forkSession(new ForkRequest(r.sourceSessionId(), at, r.newSessionId(), r.policy()));
                }
            };
        }
    }

    /** createStore of an existing session overwrites its metadata with the request's. */
    static final class OverwritesMetadata extends MutantKit {
        OverwritesMetadata() {
            super(18, "overwrites the metadata of an existing session in createStore");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory) {
                @Override
                public RuntimePersistence createStore(SessionStoreCreateRequest r) {
                    boolean existed = delegate().openExisting(r.sessionId()).isPresent();
                    RuntimePersistence s = super.createStore(r);
                    if (existed) {
                        SessionMeta m = s.loadSessionMeta().orElseThrow();
                        s.saveSessionMeta(new SessionMeta(m.sessionId(), r.name(), r.model(), r.cwd(), m.parentSessionId(),
                                m.createdAt(), r.attributes()));
                    }
                    return s;
                }
            };
        }
    }

    /** Lists each page oldest first. */
    static final class ListsOldestFirst extends MutantKit {
        ListsOldestFirst() {
            super(19, "orders each page oldest first");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory) {
                @Override
                public SessionPage listSessions(SessionQuery q) {
                    SessionPage p = super.listSessions(q);
                    List<SessionMeta> reversed = new ArrayList<>(p.sessions());
                    java.util.Collections.reverse(reversed);
                    return new SessionPage(reversed, p.nextCursor());
                }
            };
        }
    }

    /** Keeps serving every blob it ever saw, also after delete and gc removed it. */
    static final class KeepsBlobsOfDeletedSessions extends MutantKit {
        KeepsBlobsOfDeletedSessions() {
            super(21, "keeps the blobs of deleted sessions");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Map<ContentHash, byte[]> kept = new ConcurrentHashMap<>();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    RuntimeCommitResult r = super.commitRuntimeState(c);
                    c.blobs().forEach((h, b) -> kept.put(h, b.bytes()));
                    return r;
                }

                @Override
                public Optional<byte[]> loadBlob(ContentHash hash) {
                    Optional<byte[]> b = super.loadBlob(hash);
                    return b.isPresent() ? b : Optional.ofNullable(kept.get(hash)).map(byte[]::clone);
                }
            });
        }
    }

    /** close() does nothing, on stores and on the factory. */
    static final class CloseDoesNotClose extends MutantKit {
        CloseDoesNotClose() {
            super(22, "ignores close()");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory) {
                @Override
                protected RuntimePersistence wrap(RuntimePersistence store) {
                    return new ForwardingRuntimePersistence(store) {
                        @Override
                        public void close() {
                            // the mutation: nothing happens
                        }
                    };
                }

                @Override
                public void close() {
                    // the mutation: nothing happens
                }
            };
        }
    }
}
