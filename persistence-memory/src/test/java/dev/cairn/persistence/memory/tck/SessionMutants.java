package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionCursor;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.UsageEntry;
import dev.cairn.persistence.UsageLedger;
import dev.cairn.persistence.tck.ForwardingRuntimePersistence;
import dev.cairn.persistence.tck.ForwardingSessionStoreFactory;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Broken stores for the classes of complete check about sessions over time: order with ties, handles
 * of deleted sessions, ids reused after vacuum, blobs of the session. Each breaks its promise on
 * every run, whatever the scheduling.
 */
final class SessionMutants {
    private SessionMutants() {
    }

    /** Every mutant kit of this class. */
    static final List<Class<? extends MutantKit>> ALL = List.of(CoarseClockSkipsTies.class,
            CoarseClockOrdersTiesAscending.class, StaleHandleReadsTheNewSession.class,
            StaleHandleWritesTheNewSession.class, ReusedIdInheritsTurns.class, ReusedIdInheritsSlots.class,
            StoreHandsOutAnyBlob.class, NamesAnotherSessionsBlob.class);

    // ------------------------------------------------------------------ rule 19: ties

    /** Lists with createdAt cut to seconds (a coarse clock), so sessions made back to back tie. */
    private abstract static class CoarseClock extends MutantKit {
        CoarseClock(String breaks) {
            super(19, breaks);
        }

        static SessionMeta coarse(SessionMeta m) {
            return new SessionMeta(m.sessionId(), m.name(), m.model(), m.cwd(), m.parentSessionId(),
                    m.createdAt().truncatedTo(ChronoUnit.SECONDS), m.attributes());
        }

        /** @return the page after {@code after} (or the first) of the coarse, fully sorted listing */
        abstract List<SessionMeta> page(List<SessionMeta> sorted, Optional<SessionCursor> after, int limit);

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public Optional<SessionMeta> loadSessionMeta() {
                    return super.loadSessionMeta().map(CoarseClock::coarse);
                }

                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    return super.loadSession(scope).map(r -> new PersistedSessionRead(coarse(r.meta()), r.head(),
                            r.nodes(), r.checkpoint(), r.usage()));
                }
            }) {
                @Override
                public SessionPage listSessions(SessionQuery q) {
                    List<SessionMeta> all = new ArrayList<>();
                    SessionQuery each = new SessionQuery(q.parentSessionId(), q.attributes(), SessionQuery.MAX_LIMIT,
                            Optional.empty());
                    for (SessionPage p = super.listSessions(each); ; p = super.listSessions(each)) {
                        p.sessions().forEach(m -> all.add(coarse(m)));
                        if (p.nextCursor().isEmpty()) {
                            break;
                        }
                        each = each.after(p.nextCursor().get());
                    }
                    all.sort(SessionCursor.NEWEST_FIRST);
                    List<SessionMeta> page = page(all, q.position(), q.limit() + 1);
                    boolean more = page.size() > q.limit();
                    List<SessionMeta> shown = more ? page.subList(0, q.limit()) : page;
                    return new SessionPage(shown, more ? Optional.of(SessionCursor.after(shown.get(shown.size() - 1))
                            .encode()) : Optional.empty());
                }
            };
        }
    }

    /** Continues after a cursor by creation time only: sessions that tie with the cursor are skipped. */
    static final class CoarseClockSkipsTies extends CoarseClock {
        CoarseClockSkipsTies() {
            super("continues after the cursor's createdAt only, skipping sessions of the same tick");
        }

        @Override
        List<SessionMeta> page(List<SessionMeta> sorted, Optional<SessionCursor> after, int limit) {
            List<SessionMeta> out = new ArrayList<>();
            for (SessionMeta m : sorted) {
                if (after.isEmpty() || m.createdAt().isBefore(after.get().createdAt())) {
                    out.add(m);
                }
            }
            return out.subList(0, Math.min(limit, out.size()));
        }
    }

    /** Orders sessions of the same tick by id ascending. */
    static final class CoarseClockOrdersTiesAscending extends CoarseClock {
        CoarseClockOrdersTiesAscending() {
            super("orders sessions of the same createdAt by id ascending");
        }

        @Override
        List<SessionMeta> page(List<SessionMeta> sorted, Optional<SessionCursor> after, int limit) {
            List<SessionMeta> ascending = new ArrayList<>(sorted);
            ascending.sort(java.util.Comparator.comparing(SessionMeta::createdAt).reversed()
                    .thenComparing(SessionMeta::sessionId));
            int from = 0;
            if (after.isPresent()) {
                for (int i = 0; i < ascending.size(); i++) {
                    if (ascending.get(i).sessionId().equals(after.get().sessionId())) {
                        from = i + 1;
                    }
                }
            }
            return ascending.subList(Math.min(from, ascending.size()), Math.min(ascending.size(), from + limit));
        }
    }

    // ------------------------------------------------------------------ rule 21: handles of deleted sessions

    /** A handle whose session was deleted reads the session made later under the same id. */
    static final class StaleHandleReadsTheNewSession extends MutantKit {
        StaleHandleReadsTheNewSession() {
            super(21, "lets a handle of a deleted session read a later session of the same id");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    Optional<PersistedSessionRead> r = super.loadSession(scope);
                    return r.isPresent() ? r : memory.openExisting(sessionId()).flatMap(x -> x.loadSession(scope));
                }

                @Override
                public Optional<dev.cairn.persistence.SessionNode> loadNode(String id) {
                    Optional<dev.cairn.persistence.SessionNode> n = super.loadNode(id);
                    return n.isPresent() ? n : memory.openExisting(sessionId()).flatMap(x -> x.loadNode(id));
                }
            });
        }
    }

    /** A handle whose session was deleted commits to the session made later under the same id. */
    static final class StaleHandleWritesTheNewSession extends MutantKit {
        StaleHandleWritesTheNewSession() {
            super(21, "lets a handle of a deleted session write a later session of the same id");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    try {
                        return super.commitRuntimeState(c);
                    } catch (SessionNotFoundException e) {
                        RuntimePersistence now = memory.openExisting(sessionId()).orElseThrow(() -> e);
                        return now.commitRuntimeState(c);
                    }
                }
            });
        }
    }

    // ------------------------------------------------------------------ rule 17: reused ids

    /** Remembers usage turns by node id, so a node that reuses a vacuumed id shows the old turns. */
    static final class ReusedIdInheritsTurns extends MutantKit {
        ReusedIdInheritsTurns() {
            super(17, "shows the turns of a vacuumed node on the node that reuses its id");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Map<String, Map<String, List<UsageEntry>>> seen = new ConcurrentHashMap<>();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    return super.loadSession(scope).map(r -> {
                        Map<String, List<UsageEntry>> byNode = seen.computeIfAbsent(sessionId(), k -> new ConcurrentHashMap<>());
                        Map<String, List<UsageEntry>> now = new HashMap<>();
                        r.usage().turns().forEach(t -> now.computeIfAbsent(t.nodeId(), k -> new ArrayList<>()).add(t));
                        List<UsageEntry> turns = new ArrayList<>();
                        for (dev.cairn.persistence.SessionNode n : r.nodes()) {
                            List<UsageEntry> current = now.getOrDefault(n.nodeId(), List.of());
                            for (UsageEntry e : byNode.getOrDefault(n.nodeId(), List.of())) {
                                if (!current.contains(e)) {
                                    turns.add(e); // the mutation: an entry of an earlier node of that id
                                }
                            }
                            byNode.merge(n.nodeId(), current, (a, b) -> {
                                List<UsageEntry> m = new ArrayList<>(a);
                                b.stream().filter(x -> !m.contains(x)).forEach(m::add);
                                return m;
                            });
                        }
                        turns.addAll(r.usage().turns());
                        turns.sort(java.util.Comparator.comparingLong(UsageEntry::revision));
                        return new PersistedSessionRead(r.meta(), r.head(), r.nodes(), r.checkpoint(),
                                new UsageLedger(r.usage().total(), r.usage().byModel(), turns));
                    });
                }
            });
        }

    }

    /** Remembers checkpoint slots by node id, so a node that reuses a vacuumed id shows the old slots. */
    static final class ReusedIdInheritsSlots extends MutantKit {
        ReusedIdInheritsSlots() {
            super(17, "resolves the slots of a vacuumed node on the node that reuses its id");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Map<String, Map<String, CheckpointSlot>> seen = new ConcurrentHashMap<>();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    RuntimeCommitResult r = super.commitRuntimeState(c);
                    r.checkpoint().slots().values().forEach(slot -> seen.computeIfAbsent(sessionId(),
                            k -> new ConcurrentHashMap<>()).putIfAbsent(slot.nodeId() + "/" + slot.slot(), slot));
                    return r;
                }

                @Override
                public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                    return super.loadSession(scope).map(r -> {
                        Map<String, CheckpointSlot> remembered = seen.getOrDefault(sessionId(), Map.of());
                        Map<String, CheckpointSlot> slots = new TreeMap<>(r.checkpoint().slots());
                        for (dev.cairn.persistence.SessionNode n : r.nodes()) {
                            remembered.forEach((k, slot) -> {
                                if (slot.nodeId().equals(n.nodeId())) {
                                    slots.putIfAbsent(slot.slot(), slot);
                                }
                            });
                        }
                        return new PersistedSessionRead(r.meta(), r.head(), r.nodes(), new Checkpoint(slots), r.usage());
                    });
                }
            });
        }
    }


    // ------------------------------------------------------------------ rules 6 and 13: blobs of the session

    /** A session's store reads any blob of the factory. */
    static final class StoreHandsOutAnyBlob extends MutantKit {
        StoreHandsOutAnyBlob() {
            super(13, "hands out blobs of other sessions through a session's store");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public Optional<byte[]> loadBlob(ContentHash hash) {
                    return memory.loadBlob(hash);
                }
            });
        }
    }

    /** Accepts a commit that names, without its bytes, a blob only another session references. */
    static final class NamesAnotherSessionsBlob extends MutantKit {
        NamesAnotherSessionsBlob() {
            super(6, "lets a commit name another session's blob without carrying it");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    Map<ContentHash, byte[]> taken = new HashMap<>();
                    for (NewNode n : c.nodes()) {
                        for (BlobRef r : n.attachments()) {
                            if (!c.blobs().containsKey(r.hash()) && delegate().loadBlob(r.hash()).isEmpty()) {
                                memory.loadBlob(r.hash()).filter(b -> b.length == r.size())
                                        .ifPresent(b -> taken.put(r.hash(), b));
                            }
                        }
                    }
                    return super.commitRuntimeState(taken.isEmpty() ? c : MoreMutants.rebuild(c, UnaryOperator.identity(), taken));
                }
            });
        }
    }
}
