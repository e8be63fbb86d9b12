package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.UsageRecord;
import dev.cairn.persistence.tck.ForwardingRuntimePersistence;
import dev.cairn.persistence.tck.ForwardingSessionStoreFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * More broken stores, one or more per class of complete check: fingerprint fields, exact text,
 * limits at the boundary, arrays handed out ({@link SessionMutants} has the rest). Each breaks its
 * promise on every run, whatever the scheduling.
 */
final class MoreMutants {
    private MoreMutants() {
    }

    /** Every mutant kit of this class. */
    static final List<Class<? extends MutantKit>> ALL = List.of(FingerprintIgnoresUsage.class,
            FingerprintIgnoresCheckpoint.class, FingerprintIgnoresHead.class, FingerprintIgnoresMediaType.class,
            TrimsMetadata.class, FoldsModelCase.class, RefusesExactlyTheLimit.class, AcceptsOneOverTheLimit.class,
            ChecksRevisionBeforeLimits.class, KeepsBlobsOfRefusedCommits.class, LoadBlobSharesItsArray.class);

    /** The same commit with its usage records changed and, carried as well, the bytes of {@code extra}. */
    static RuntimeCommit rebuild(RuntimeCommit c, UnaryOperator<UsageRecord> usage, Map<ContentHash, byte[]> extra) {
        RuntimeCommit.Builder b = c.expectedRevision().isPresent()
                ? RuntimeCommit.expecting(c.expectedRevision().getAsLong()) : RuntimeCommit.unconditional();
        Map<ContentHash, String> attachedAs = new HashMap<>();
        c.nodes().forEach(n -> n.attachments().forEach(r -> attachedAs.putIfAbsent(r.hash(), r.mediaType())));
        c.blobs().values().forEach(blob -> {
            if (attachedAs.containsKey(blob.hash())) {
                b.attach(blob.bytes(), attachedAs.get(blob.hash()));
            }
        });
        extra.forEach((h, bytes) -> b.attach(bytes, attachedAs.get(h)));
        c.nodes().forEach(b::append);
        c.head().ifPresent(b::head);
        c.checkpoint().forEach((slot, ref) -> b.checkpoint(slot, c.blobs().get(ref.hash()).bytes()));
        c.usage().stream().map(usage).forEach(u -> b.usage(u.nodeId(), u.model(), u.usage()));
        c.idempotencyKey().ifPresent(b::idempotencyKey);
        return b.build();
    }

    // ------------------------------------------------------------------ rule 7: one field left out

    /** The content of a commit as a fingerprint sees it, with one part left out. */
    private static String shape(RuntimeCommit c, String without) {
        StringBuilder sb = new StringBuilder();
        for (NewNode n : c.nodes()) {
            sb.append(n.nodeId()).append('|').append(n.parentNodeId()).append('|').append(n.kind()).append('|')
                    .append(ContentHash.of(n.payload()));
            for (BlobRef r : n.attachments()) {
                sb.append('|').append(r.hash()).append(':').append(r.size());
                if (!without.equals("type")) {
                    sb.append(':').append(r.mediaType());
                }
            }
            sb.append(';');
        }
        if (!without.equals("head")) {
            sb.append("head=").append(c.head()).append(';');
        }
        if (!without.equals("checkpoint")) {
            sb.append("slots=").append(c.checkpoint()).append(';');
        }
        if (!without.equals("usage")) {
            sb.append("usage=").append(c.usage());
        }
        return sb.toString();
    }

    /** Replays a key whenever the commits agree on everything but one part. */
    private abstract static class FingerprintIgnores extends MutantKit {
        private final String part;

        FingerprintIgnores(String part) {
            super(7, "leaves " + part + " out of the idempotency fingerprint");
            this.part = part;
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Map<String, RuntimeCommit> first = new ConcurrentHashMap<>();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    String key = sessionId() + "/" + c.idempotencyKey().orElse("");
                    try {
                        RuntimeCommitResult r = super.commitRuntimeState(c);
                        if (c.idempotencyKey().isPresent()) {
                            first.putIfAbsent(key, c);
                        }
                        return r;
                    } catch (IdempotencyConflictException e) {
                        RuntimeCommit original = first.get(key);
                        if (original != null && shape(original, part).equals(shape(c, part))) {
                            return super.commitRuntimeState(original);
                        }
                        throw e;
                    }
                }
            });
        }
    }

    static final class FingerprintIgnoresUsage extends FingerprintIgnores {
        FingerprintIgnoresUsage() {
            super("usage");
        }
    }

    static final class FingerprintIgnoresCheckpoint extends FingerprintIgnores {
        FingerprintIgnoresCheckpoint() {
            super("checkpoint");
        }
    }

    static final class FingerprintIgnoresHead extends FingerprintIgnores {
        FingerprintIgnoresHead() {
            super("head");
        }
    }

    static final class FingerprintIgnoresMediaType extends FingerprintIgnores {
        FingerprintIgnoresMediaType() {
            super("type");
        }
    }

    // ------------------------------------------------------------------ rules 14 and 18: exact text

    /** Stores names, models and cwds trimmed. */
    static final class TrimsMetadata extends MutantKit {
        TrimsMetadata() {
            super(18, "trims name, model and cwd");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public void saveSessionMeta(SessionMeta m) {
                    super.saveSessionMeta(new SessionMeta(m.sessionId(), m.name().strip(), m.model().strip(),
                            m.cwd().strip(), m.parentSessionId(), m.createdAt(), m.attributes()));
                }
            }) {
                @Override
                public RuntimePersistence createStore(SessionStoreCreateRequest r) {
                    return super.createStore(new SessionStoreCreateRequest(r.sessionId(), r.parentSessionId(), r.policy(),
                            r.name().strip(), r.model().strip(), r.cwd().strip(), r.attributes()));
                }
            };
        }
    }

    /** Records usage under lower-cased model names. */
    static final class FoldsModelCase extends MutantKit {
        FoldsModelCase() {
            super(14, "folds the case of model names in the ledger");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    if (c.usage().stream().allMatch(u -> u.model().equals(u.model().toLowerCase(java.util.Locale.ROOT)))) {
                        return super.commitRuntimeState(c);
                    }
                    return super.commitRuntimeState(rebuild(c, u -> new UsageRecord(u.nodeId(),
                            u.model().toLowerCase(java.util.Locale.ROOT), u.usage()), Map.of()));
                }
            });
        }
    }

    // ------------------------------------------------------------------ rule 8: the boundary

    /** Limits one byte smaller than the policy says: exactly the limit is refused. */
    static final class RefusesExactlyTheLimit extends MutantKit {
        RefusesExactlyTheLimit() {
            super(8, "refuses a payload or blob of exactly the limit");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return withPolicy(memory, p -> new StorePolicy(Math.max(1, p.maxPayloadBytes() - 1),
                    Math.max(1, p.maxBlobBytes() - 1)));
        }
    }

    /** Limits one byte larger than the policy says. */
    static final class AcceptsOneOverTheLimit extends MutantKit {
        AcceptsOneOverTheLimit() {
            super(8, "accepts a payload or blob one byte over the limit");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return withPolicy(memory, p -> new StorePolicy(p.maxPayloadBytes() == Integer.MAX_VALUE ? p.maxPayloadBytes()
                    : p.maxPayloadBytes() + 1, p.maxBlobBytes() == Long.MAX_VALUE ? p.maxBlobBytes() : p.maxBlobBytes() + 1));
        }
    }

    private static SessionStoreFactory withPolicy(SessionStoreFactory memory, UnaryOperator<StorePolicy> change) {
        return new ForwardingSessionStoreFactory(memory) {
            @Override
            public RuntimePersistence createStore(SessionStoreCreateRequest r) {
                return super.createStore(r.withPolicy(change.apply(r.policy())));
            }

            @Override
            public RuntimePersistence forkSession(ForkRequest r) {
                return super.forkSession(new ForkRequest(r.sourceSessionId(), r.atNodeId(), r.newSessionId(),
                        change.apply(r.policy())));
            }
        };
    }

    /** Checks the revision first, so a stale commit over a limit reports a conflict. */
    static final class ChecksRevisionBeforeLimits extends MutantKit {
        ChecksRevisionBeforeLimits() {
            super(8, "checks the revision before the size limits");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    if (c.expectedRevision().isPresent() && c.idempotencyKey().isEmpty()) {
                        long actual = delegate().loadSession(SessionReadScope.activePathTail(1))
                                .map(r -> r.head().revision()).orElse(-1L);
                        if (actual >= 0 && actual != c.expectedRevision().getAsLong()) {
                            throw new RevisionConflictException(sessionId(), c.expectedRevision().getAsLong(), actual);
                        }
                    }
                    return super.commitRuntimeState(c);
                }
            });
        }
    }

    /** Keeps the blobs of a commit refused for a size limit that fit the limit, and serves them. */
    static final class KeepsBlobsOfRefusedCommits extends MutantKit {
        KeepsBlobsOfRefusedCommits() {
            super(8, "keeps the blobs of a commit refused for a size limit");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Map<ContentHash, byte[]> kept = new ConcurrentHashMap<>();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public RuntimeCommitResult commitRuntimeState(RuntimeCommit c) {
                    try {
                        return super.commitRuntimeState(c);
                    } catch (InvalidRequestException e) {
                        if (String.valueOf(e.getMessage()).contains("max")) {
                            c.blobs().forEach((h, b) -> kept.put(h, b.bytes()));
                        }
                        throw e;
                    }
                }

                @Override
                public Optional<byte[]> loadBlob(ContentHash hash) {
                    Optional<byte[]> b = super.loadBlob(hash);
                    return b.isPresent() ? b : Optional.ofNullable(kept.get(hash)).map(byte[]::clone);
                }
            });
        }
    }

    // ------------------------------------------------------------------ rule 13: copies

    /** Hands every caller of loadBlob the same array. */
    static final class LoadBlobSharesItsArray extends MutantKit {
        LoadBlobSharesItsArray() {
            super(13, "returns the same array from every loadBlob");
        }

        @Override
        SessionStoreFactory broken(SessionStoreFactory memory) {
            Map<ContentHash, byte[]> shared = new ConcurrentHashMap<>();
            return new ForwardingSessionStoreFactory(memory, s -> new ForwardingRuntimePersistence(s) {
                @Override
                public Optional<byte[]> loadBlob(ContentHash hash) {
                    Optional<byte[]> b = super.loadBlob(hash);
                    return b.map(bytes -> shared.computeIfAbsent(hash, h -> bytes));
                }
            });
        }
    }
}
