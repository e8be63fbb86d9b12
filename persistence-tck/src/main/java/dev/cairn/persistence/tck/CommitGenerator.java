package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewBlob;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Makes random commits for the model-based test: branches, node ids fresh or freed by vacuum,
 * attachments (new, deduplicated, or referencing stored blobs), checkpoints, usage, idempotency keys, and now and then one deliberate
 * defect (stale or future revision, duplicate id, dead or unknown parent, unknown or mis-sized blob,
 * oversize payload or blob, dead head, usage on a dead node). Everything it does depends only on the
 * random source and the model, so a seed replays the same run.
 */
final class CommitGenerator {
    private static final List<NodeKind> KINDS = List.of(NodeKind.USER_INPUT, NodeKind.ASSISTANT_RESPONSE,
            NodeKind.TOOL_CALL, NodeKind.TOOL_RESULT, NodeKind.MODE_EVENT, NodeKind.ERROR, Fx.CUSTOM);
    private static final List<String> SLOTS = List.of("tool_state", "plugin_state", "prompt", "execution_state");
    private static final List<String> MODELS = List.of("gpt-a", "gpt-b", "claude-c");
    private static final List<String> TYPES = List.of("text/plain", "image/png", "application/json");

    private final SplittableRandom rnd;
    private final Map<ContentHash, byte[]> known = new HashMap<>();
    /** Per session, every node id it was seen with: those no longer there were vacuumed (or deleted) and are free. */
    private final Map<String, java.util.TreeSet<String>> seenIds = new HashMap<>();
    private int nodes;
    private int keys;

    /**
     * A generated commit.
     *
     * @param commit the commit
     * @param description what it does, for failure messages
     */
    record Generated(RuntimeCommit commit, String description) {
    }

    CommitGenerator(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    /** @return every blob hash the generator ever made, sorted, also ones it never stored */
    List<ContentHash> knownHashes() {
        List<ContentHash> out = new ArrayList<>(known.keySet());
        out.sort(Comparator.comparing(ContentHash::hex));
        return out;
    }

    String freshNodeId() {
        return "n" + (++nodes);
    }

    private <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    private byte[] bytes(int max) {
        byte[] b = Fx.random(rnd.nextLong(), rnd.nextInt(max + 1));
        known.put(ContentHash.of(b), b);
        return b;
    }

    private byte[] poolOrNew(long maxBlob, List<ContentHash> stored) {
        if (!stored.isEmpty() && rnd.nextInt(3) == 0) {
            byte[] b = known.get(pick(stored));
            if (b != null && b.length <= maxBlob) {
                return b;
            }
        }
        return bytes((int) Math.min(64, maxBlob));
    }

    /**
     * @param model the model
     * @param sessionId the session to commit to
     * @param policy the policy of the handle the commit goes through
     * @param defects whether a deliberate defect may be added
     */
    Generated next(ReferenceModel model, String sessionId, StorePolicy policy, boolean defects) {
        Map<String, ModelSession.State> states = model.nodeStates(sessionId);
        List<String> live = ReferenceModel.filter(states, ModelSession.State.LIVE);
        List<String> dead = new ArrayList<>(ReferenceModel.filter(states, ModelSession.State.TOMBSTONED));
        dead.addAll(ReferenceModel.filter(states, ModelSession.State.DETACHED));
        // Mostly blobs of this session (rule 6 lets a commit name them without their bytes), now and then
        // any stored blob (the model refuses naming another session's blob without its bytes).
        List<ContentHash> stored = new ArrayList<>(rnd.nextInt(6) == 0 ? model.blobHashes()
                : model.blobHashes(sessionId));
        stored.sort(Comparator.comparing(ContentHash::hex));
        Optional<String> head = model.head(sessionId);
        long rev = model.revision(sessionId);
        int defect = defects && rnd.nextInt(4) == 0 ? rnd.nextInt(12) : -1;
        boolean smallLimits = policy.maxPayloadBytes() <= 4096 && policy.maxBlobBytes() <= 4096;
        if (!smallLimits && (defect == 5 || defect == 8 || defect == 10)) {
            defect = -1; // oversize payloads and blobs only through handles with small limits, to stay fast
        }
        List<String> notes = new ArrayList<>();

        RuntimeCommit.Builder b;
        if (defect == 0 && rev > 0) {
            b = RuntimeCommit.expecting(rnd.nextLong(rev));
            notes.add("DEFECT stale revision");
        } else if (defect == 1) {
            b = RuntimeCommit.expecting(rev + 1 + rnd.nextInt(3));
            notes.add("DEFECT future revision");
        } else if (rnd.nextInt(100) < 8) {
            b = RuntimeCommit.unconditional();
            notes.add("unconditional");
        } else {
            b = RuntimeCommit.expecting(rev);
        }
        java.util.TreeSet<String> seen = seenIds.computeIfAbsent(sessionId, k -> new java.util.TreeSet<>());
        seen.addAll(states.keySet());
        List<String> freed = new ArrayList<>();
        seen.forEach(id -> {
            if (!states.containsKey(id)) {
                freed.add(id);
            }
        });
        int count = new int[] {0, 1, 1, 1, 2, 2, 3}[rnd.nextInt(7)];
        List<String> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean last = i == count - 1;
            String id;
            if (!freed.isEmpty() && defect != 4 && rnd.nextInt(3) == 0) {
                id = freed.remove(rnd.nextInt(freed.size())); // rules 11, 14, 17: a new node, nothing inherited
                notes.add("reuses the vacuumed id " + id);
            } else {
                id = freshNodeId();
            }
            if (defect == 2 && last && !states.isEmpty()) {
                id = pick(new ArrayList<>(states.keySet()));
                notes.add("DEFECT duplicate id " + id);
            }
            Optional<String> parent;
            int p = rnd.nextInt(100);
            if (defect == 3 && last) {
                parent = Optional.of(dead.isEmpty() || rnd.nextBoolean() ? "ghost" + rnd.nextInt(1000) : pick(dead));
                notes.add("DEFECT parent " + parent.get());
            } else if (defect == 4 && i == 0 && count >= 2) {
                parent = Optional.of("n" + (nodes + 1));
                notes.add("DEFECT parent appended later " + parent.get());
            } else if (p < 12) {
                parent = Optional.empty();
            } else if (p < 45 && !added.isEmpty()) {
                parent = Optional.of(added.get(added.size() - 1));
            } else if (p < 75 && head.isPresent()) {
                parent = head;
            } else if (!live.isEmpty()) {
                parent = Optional.of(pick(live));
            } else {
                parent = added.isEmpty() ? Optional.empty() : Optional.of(pick(added));
            }
            if (parent.isPresent() && parent.get().equals(id)) {
                parent = Optional.empty();
            }
            int len = rnd.nextInt(Math.min(48, policy.maxPayloadBytes()) + 1);
            if (defect == 5 && last) {
                len = policy.maxPayloadBytes() + 1 + rnd.nextInt(4);
                notes.add("DEFECT payload of " + len + " bytes");
            }
            byte[] payload = len > 256 ? new byte[len] : Fx.random(rnd.nextLong(), len);
            List<BlobRef> refs = attachments(b, stored, policy, defect, last, notes);
            b.append(new NewNode(id, parent, pick(KINDS), payload, refs));
            added.add(id);
        }
        int h = rnd.nextInt(100);
        if (defect == 9) {
            String target = dead.isEmpty() || rnd.nextBoolean() ? "ghost" + rnd.nextInt(1000) : pick(dead);
            b.head(target);
            notes.add("DEFECT head " + target);
        } else if (h < 50 && !added.isEmpty()) {
            b.head(pick(added));
        } else if (h < 62 && !live.isEmpty()) {
            b.head(pick(live));
        }
        if (rnd.nextInt(100) < 30 || defect == 10) {
            List<String> slots = new ArrayList<>(SLOTS);
            int n = 1 + rnd.nextInt(2);
            for (int i = 0; i < n; i++) {
                String slot = slots.remove(rnd.nextInt(slots.size()));
                byte[] bytes = defect == 10 && i == 0 ? bytes((int) Math.min(policy.maxBlobBytes() + 4, 1 << 20))
                        : poolOrNew(policy.maxBlobBytes(), stored);
                b.checkpoint(slot, bytes);
            }
            if (defect == 10) {
                notes.add("DEFECT maybe oversize checkpoint");
            }
        }
        if (rnd.nextInt(100) < 30 || defect == 11) {
            List<String> targets = new ArrayList<>(added);
            targets.addAll(live);
            int n = 1 + rnd.nextInt(2);
            for (int i = 0; i < n; i++) {
                String node;
                if (defect == 11 && i == 0) {
                    node = dead.isEmpty() || rnd.nextBoolean() ? "ghost" + rnd.nextInt(1000) : pick(dead);
                    notes.add("DEFECT usage on " + node);
                } else if (!targets.isEmpty()) {
                    node = pick(targets);
                } else {
                    continue;
                }
                b.usage(node, pick(MODELS), new TokenUsage(rnd.nextInt(500), rnd.nextInt(200), rnd.nextInt(100),
                        rnd.nextInt(50)));
            }
        }
        if (rnd.nextInt(100) < 20) {
            b.idempotencyKey("k" + (++keys));
        }
        RuntimeCommit c = b.build();
        return new Generated(c, c + (notes.isEmpty() ? "" : " " + notes));
    }

    private List<BlobRef> attachments(RuntimeCommit.Builder b, List<ContentHash> stored, StorePolicy policy, int defect,
                                      boolean last, List<String> notes) {
        int k = new int[] {0, 0, 0, 1, 1, 2}[rnd.nextInt(6)];
        List<BlobRef> refs = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            String type = pick(TYPES);
            int c = rnd.nextInt(3);
            if (c == 1 && !stored.isEmpty()) {
                ContentHash hash = pick(stored);
                byte[] bytes = known.get(hash);
                if (bytes != null) {
                    refs.add(new BlobRef(hash, bytes.length, type));
                    continue;
                }
            }
            refs.add(b.attach(poolOrNew(policy.maxBlobBytes(), stored), type));
        }
        if (last && defect == 6) {
            byte[] never = bytes(20);
            refs.add(BlobRef.of(never, "text/plain"));
            notes.add("DEFECT unknown blob " + ContentHash.of(never));
        } else if (last && defect == 7 && !stored.isEmpty() && known.containsKey(stored.get(stored.size() - 1))) {
            ContentHash hash = stored.get(stored.size() - 1);
            refs.add(new BlobRef(hash, known.get(hash).length + 1L, "text/plain"));
            notes.add("DEFECT wrong blob size");
        } else if (last && defect == 8) {
            byte[] big = bytes((int) Math.min(policy.maxBlobBytes() + 5, 1 << 20));
            if (big.length > policy.maxBlobBytes()) {
                notes.add("DEFECT blob of " + big.length + " bytes");
            }
            refs.add(b.attach(big, "application/octet-stream"));
        }
        return refs;
    }

    /**
     * @return a commit with the same content as {@code c} (same fingerprint) and another expected revision
     */
    static RuntimeCommit withExpected(RuntimeCommit c, OptionalLong expected) {
        return rebuild(c, expected, c.idempotencyKey());
    }

    /**
     * @return a commit with the content of {@code c}, another expected revision and another key
     */
    static RuntimeCommit rebuild(RuntimeCommit c, OptionalLong expected, Optional<String> key) {
        RuntimeCommit.Builder b = expected.isPresent() ? RuntimeCommit.expecting(expected.getAsLong())
                : RuntimeCommit.unconditional();
        Map<ContentHash, String> attachedAs = new HashMap<>();
        for (NewNode n : c.nodes()) {
            for (BlobRef r : n.attachments()) {
                attachedAs.putIfAbsent(r.hash(), r.mediaType());
            }
        }
        for (NewBlob blob : c.blobs().values()) {
            String type = attachedAs.get(blob.hash());
            if (type != null) {
                b.attach(blob.bytes(), type);
            }
        }
        c.nodes().forEach(b::append);
        c.head().ifPresent(b::head);
        c.checkpoint().forEach((slot, ref) -> b.checkpoint(slot, c.blobs().get(ref.hash()).bytes()));
        for (UsageRecord u : c.usage()) {
            b.usage(u.nodeId(), u.model(), u.usage());
        }
        key.ifPresent(b::idempotencyKey);
        return b.build();
    }

    /** @return hashes a commit carries or references */
    static Set<ContentHash> hashesOf(RuntimeCommit c) {
        Set<ContentHash> out = new java.util.HashSet<>(c.blobs().keySet());
        c.nodes().forEach(n -> n.attachments().forEach(r -> out.add(r.hash())));
        return out;
    }
}
