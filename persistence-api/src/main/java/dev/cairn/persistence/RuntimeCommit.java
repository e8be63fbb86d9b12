package dev.cairn.persistence;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * One atomic change to a session: nodes to append, a new head, checkpoint slots, attachment blobs,
 * usage records and an optional idempotency key, guarded by the revision it expects.
 *
 * <pre>{@code
 * RuntimeCommit.Builder b = RuntimeCommit.expecting(head.revision());
 * BlobRef image = b.attach(pngBytes, "image/png");
 * b.append(NewNode.child("n7", "n6", NodeKind.USER_INPUT, json, image))
 *  .head("n7")
 *  .checkpoint("tool_state", toolState)
 *  .usage("n7", "gpt-4o", TokenUsage.of(812, 95));
 * RuntimeCommitResult r = store.commitRuntimeState(b.build());
 * }</pre>
 *
 * <p>Instances are immutable. The builder checks what it can see on its own (duplicate node ids in
 * the commit, attachments that no node of the commit references, ids); the store checks the rest
 * against what is stored (SPEC rules 3 to 8).
 *
 * <p>For stores on a hot path: {@link #nodeCount()} with {@link #node(int)}, {@link #usageCount()}
 * with {@link #usageRecord(int)}, and {@link #admits(long)} answer exactly what {@link #nodes()},
 * {@link #usage()} and {@link #expectedRevision()} answer, without an object per commit. A commit of
 * one node and one usage record (the usual turn) keeps them as they are and makes their immutable
 * lists only when the lists are asked for (issue 19).
 */
public final class RuntimeCommit {
    /** The expected revision, or -1 for an unconditional commit. */
    private final long expectedRevision;
    // A turn is mostly one node and one usage record (issue 19): those are kept as they are, and
    // their lists made only if someone asks for them; stores walk them with node(i) and usageRecord(i).
    /** The first node, or null for none. */
    private final NewNode node0;
    /** Every node when there are two or more; for one node, made at the first {@link #nodes()}; else null. */
    private List<NewNode> nodes;
    private final Optional<String> head;
    /** The first usage record, or null for none. */
    private final UsageRecord usage0;
    /** Like {@link #nodes}, for the usage records. */
    private List<UsageRecord> usage;
    /** Slots, blobs and the idempotency key, or null when the commit has none of them. */
    private final Rare rare;
    private volatile ContentHash fingerprint;

    /** What most commits do not carry, in one object so that a plain turn does not pay a field for each. */
    private record Rare(Map<String, BlobRef> checkpoint, Map<ContentHash, NewBlob> blobs,
                        Optional<String> idempotencyKey) {
    }

    private RuntimeCommit(Builder b) {
        this.expectedRevision = b.expectedRevision;
        this.node0 = b.node0;
        this.nodes = Builder.immutable(b.nodes, b.nodeCount);
        this.head = b.head == null ? Optional.empty() : Optional.of(b.head);
        this.usage0 = b.usage0;
        this.usage = Builder.immutable(b.usages, b.usageCount);
        Builder.Rare r = b.rare;
        if (r == null || (r.checkpoint == null && r.blobs == null && r.idempotencyKey == null)) {
            this.rare = null;
        } else {
            // Sorted by slot name: the fingerprint and toString() walk the slots in this order.
            this.rare = new Rare(r.checkpoint == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(r.checkpoint)),
                    r.blobs == null ? Map.of() : carried(r), Optional.ofNullable(r.idempotencyKey));
        }
    }

    /** Only blobs something references: a checkpoint slot set twice leaves no orphan behind. */
    private static Map<ContentHash, NewBlob> carried(Builder.Rare b) {
        Set<ContentHash> slotted = new HashSet<>();
        if (b.checkpoint != null) {
            for (BlobRef r : b.checkpoint.values()) {
                slotted.add(r.hash());
            }
        }
        Map<ContentHash, NewBlob> carried = new LinkedHashMap<>();
        b.blobs.forEach((hash, blob) -> {
            if ((b.attached != null && b.attached.contains(hash)) || slotted.contains(hash)) {
                carried.put(hash, blob);
            }
        });
        return Collections.unmodifiableMap(carried);
    }

    /**
     * Starts a commit that succeeds only if the session is at {@code revision} (SPEC rule 3).
     *
     * @param revision the revision the host last saw, from 0
     * @return a builder
     */
    public static Builder expecting(long revision) {
        if (revision < 0) {
            throw new InvalidRequestException("Expected revision cannot be negative, got " + revision);
        }
        return new Builder(revision);
    }

    /**
     * Starts a commit that skips the revision check: the explicit opt-out for hosts that serialize
     * writes themselves. Prefer {@link #expecting(long)}.
     *
     * @return a builder
     */
    public static Builder unconditional() {
        return new Builder(-1);
    }

    /** @return the revision the commit expects, or empty for an unconditional commit */
    public OptionalLong expectedRevision() {
        return expectedRevision < 0 ? OptionalLong.empty() : OptionalLong.of(expectedRevision);
    }

    /**
     * Whether the commit may apply to a session at {@code revision} (SPEC rule 3): it is
     * unconditional, or expects exactly that revision. The same answer as {@link #expectedRevision()},
     * without an object per call, for stores on their hot path.
     *
     * @param revision the session's current revision
     * @return true if the revision check passes
     */
    public boolean admits(long revision) {
        return expectedRevision < 0 || expectedRevision == revision;
    }

    /** @return the nodes to append, in order (immutable) */
    public List<NewNode> nodes() {
        List<NewNode> l = nodes;
        if (l == null) {
            // One node: the list is made once, when first asked for; List.of is immutable with final
            // fields, so a racy first call publishes it safely (like String's hash).
            l = listOf(node0);
            nodes = l;
        }
        return l;
    }

    /** @return how many nodes the commit appends; the same as {@code nodes().size()} */
    public int nodeCount() {
        return count(nodes, node0);
    }

    /**
     * The node at {@code index}: the same as {@code nodes().get(index)}, without making the list of
     * a one-node commit.
     *
     * @param index from 0 to {@link #nodeCount()} - 1
     * @return the node
     * @throws IndexOutOfBoundsException if there is no such node
     */
    public NewNode node(int index) {
        // node0 is the first node of every commit that has one; anything else goes through the list,
        // which also throws for an index out of range.
        return index == 0 && node0 != null ? node0 : nodes().get(index);
    }

    /** @return the node the head moves to, or empty to keep the head */
    public Optional<String> head() {
        return head;
    }

    /** @return the checkpoint slots to commit at the new head, by slot name */
    public Map<String, BlobRef> checkpoint() {
        return rare == null ? Map.of() : rare.checkpoint();
    }

    /** @return the blobs the commit carries (attachments and checkpoint slots), by hash */
    public Map<ContentHash, NewBlob> blobs() {
        return rare == null ? Map.of() : rare.blobs();
    }

    /** @return the usage records, in order (immutable) */
    public List<UsageRecord> usage() {
        List<UsageRecord> l = usage;
        if (l == null) {
            l = listOf(usage0); // as in nodes()
            usage = l;
        }
        return l;
    }

    /** @return how many usage records the commit carries; the same as {@code usage().size()} */
    public int usageCount() {
        return count(usage, usage0);
    }

    /**
     * The usage record at {@code index}: the same as {@code usage().get(index)}, without making the
     * list of a commit with one record.
     *
     * @param index from 0 to {@link #usageCount()} - 1
     * @return the record
     * @throws IndexOutOfBoundsException if there is no such record
     */
    public UsageRecord usageRecord(int index) {
        return index == 0 && usage0 != null ? usage0 : usage().get(index); // as in node(int)
    }

    private static <T> List<T> listOf(T first) {
        return first == null ? List.of() : List.of(first);
    }

    /** @return the size of a list kept as {@code list}, or as {@code first} alone while the list is null */
    private static <T> int count(List<T> list, T first) {
        return list != null ? list.size() : first == null ? 0 : 1;
    }

    /** @return the idempotency key, if any */
    public Optional<String> idempotencyKey() {
        return rare == null ? Optional.empty() : rare.idempotencyKey();
    }

    /** @return true if the commit appends nothing, moves nothing and records nothing */
    public boolean isEmpty() {
        return nodeCount() == 0 && head.isEmpty() && checkpoint().isEmpty() && usageCount() == 0;
    }

    /**
     * The SHA-256 of the commit's content: nodes, head, checkpoint slots, attachments and usage, but
     * not the expected revision. Two commits with the same idempotency key are "the same" when their
     * fingerprints are equal (SPEC rule 7), so a retry that reloaded the revision still replays.
     *
     * @return the fingerprint
     */
    public ContentHash fingerprint() {
        ContentHash f = fingerprint;
        if (f == null) {
            f = computeFingerprint();
            fingerprint = f;
        }
        return f;
    }

    private ContentHash computeFingerprint() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            List<NewNode> nodes = nodes();
            out.writeInt(nodes.size());
            for (NewNode n : nodes) {
                out.writeUTF(n.nodeId());
                out.writeUTF(n.parentNodeId().orElse(""));
                out.writeUTF(n.kind().name());
                out.write(ContentHash.digest(n.payload()));
                writeRefs(out, n.attachments());
            }
            out.writeUTF(head.orElse(""));
            Map<String, BlobRef> checkpoint = checkpoint();
            out.writeInt(checkpoint.size());
            for (Map.Entry<String, BlobRef> e : checkpoint.entrySet()) {
                out.writeUTF(e.getKey());
                writeRefs(out, List.of(e.getValue()));
            }
            List<UsageRecord> usage = usage();
            out.writeInt(usage.size());
            for (UsageRecord u : usage) {
                out.writeUTF(u.nodeId());
                out.writeUTF(u.model());
                out.writeLong(u.usage().inputTokens());
                out.writeLong(u.usage().outputTokens());
                out.writeLong(u.usage().cachedInputTokens());
                out.writeLong(u.usage().reasoningTokens());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ContentHash.of(buf.toByteArray());
    }

    private static void writeRefs(DataOutputStream out, List<BlobRef> refs) throws IOException {
        out.writeInt(refs.size());
        for (BlobRef r : refs) {
            out.writeUTF(r.hash().hex());
            out.writeLong(r.size());
            out.writeUTF(r.mediaType());
        }
    }

    @Override
    public String toString() {
        return "RuntimeCommit[expecting=" + (expectedRevision >= 0 ? expectedRevision : "any")
                + ", nodes=" + nodeCount() + ", head=" + head.orElse("-") + ", slots=" + checkpoint().keySet()
                + ", blobs=" + blobs().size() + ", usage=" + usageCount()
                + idempotencyKey().map(k -> ", key=" + k).orElse("") + "]";
    }

    /**
     * Builds a {@link RuntimeCommit}. Not thread-safe; {@link #build()} takes a snapshot, so a
     * builder may be built again after further changes.
     */
    public static final class Builder {
        /** Up to this many nodes, a duplicate id is found by a scan; above it, through a set. */
        private static final int SCAN_LIMIT = 8;

        /** The expected revision, or -1 for none. */
        private final long expectedRevision;
        // Collections are made at first use and sized to what a turn needs: most commits append one
        // node with one usage record and carry neither slots nor blobs (issue 19).
        /** The first node, or null. */
        private NewNode node0;
        /** Every node, once there is more than one; else null. */
        private NewNode[] nodes;
        private int nodeCount;
        /** The head's id, or null to keep the head. */
        private String head;
        /** The first usage record, or null. */
        private UsageRecord usage0;
        /** Every usage record, once there is more than one; else null. */
        private UsageRecord[] usages;
        private int usageCount;
        /** What few commits use, made at first use. */
        private Rare rare;

        /** The builder's state for slots, blobs, the key and many nodes. */
        private static final class Rare {
            private Set<String> nodeIndex;
            private Map<String, BlobRef> checkpoint;
            private Map<ContentHash, NewBlob> blobs;
            private Set<ContentHash> attached;
            private String idempotencyKey;
        }

        private Builder(long expectedRevision) {
            this.expectedRevision = expectedRevision;
        }

        private Rare rare() {
            if (rare == null) {
                rare = new Rare();
            }
            return rare;
        }

        /**
         * Appends a node (SPEC rule 4).
         *
         * @param node the node
         * @return this builder
         * @throws InvalidRequestException if the commit already appends a node with this id
         */
        public Builder append(NewNode node) {
            Objects.requireNonNull(node, "node");
            if (containsNode(node.nodeId())) {
                throw new InvalidRequestException("Duplicate node id " + Ids.quote(node.nodeId())
                        + " in one commit: node ids are unique within a session");
            }
            if (nodeCount == 0) {
                node0 = node;
            } else {
                nodes = store(node0, nodes, nodeCount, node, NewNode[]::new);
            }
            nodeCount++;
            Set<String> index = rare == null ? null : rare.nodeIndex;
            if (index != null) {
                index.add(node.nodeId());
            } else if (nodeCount > SCAN_LIMIT) {
                index = new HashSet<>(nodeCount * 4);
                for (int i = 0; i < nodeCount; i++) {
                    index.add(node(i).nodeId());
                }
                rare().nodeIndex = index;
            }
            return this;
        }

        private boolean containsNode(String nodeId) {
            Set<String> index = rare == null ? null : rare.nodeIndex;
            if (index != null) {
                return index.contains(nodeId);
            }
            for (int i = 0; i < nodeCount; i++) {
                if (node(i).nodeId().equals(nodeId)) {
                    return true;
                }
            }
            return false;
        }

        private NewNode node(int i) {
            return nodes == null ? node0 : nodes[i];
        }

        /**
         * An immutable list of the first {@code count} elements of {@code array}, one exact-size
         * copy; null for one element or none, whose list the commit makes only when asked for it.
         */
        static <T> List<T> immutable(T[] array, int count) {
            return switch (count) {
                case 0, 1 -> null;
                case 2 -> List.of(array[0], array[1]);
                default -> List.of(Arrays.copyOf(array, count));
            };
        }

        /** Stores the element at {@code count} in {@code array} (made or grown as needed), and returns the array. */
        private static <T> T[] store(T first, T[] array, int count, T element, IntFunction<T[]> make) {
            T[] a = array;
            if (a == null) {
                a = make.apply(4);
                a[0] = first;
            } else if (count == a.length) {
                a = Arrays.copyOf(a, count * 2);
            }
            a[count] = element;
            return a;
        }

        /**
         * Moves the head to a node, stored or appended in this commit (SPEC rule 5).
         *
         * @param nodeId the new head
         * @return this builder
         */
        public Builder head(String nodeId) {
            // The id of a node appended last (the usual turn) was checked by NewNode, and a String
            // does not change: the same object needs no second scan (issue 19).
            boolean appendedLast = nodeCount > 0 && nodeId == node(nodeCount - 1).nodeId();
            this.head = appendedLast ? nodeId : Ids.require("head node id", nodeId);
            return this;
        }

        /**
         * Sets a checkpoint slot at the new head (SPEC rules 6 and 11); a later call for the same slot
         * replaces the earlier one.
         *
         * @param slot the slot name ({@link Ids#RULE}), e.g. {@code tool_state}
         * @param bytes the slot's bytes
         * @return this builder
         */
        public Builder checkpoint(String slot, byte[] bytes) {
            Ids.require("checkpoint slot", slot);
            NewBlob blob = NewBlob.of(Objects.requireNonNull(bytes, "bytes"));
            blobs().putIfAbsent(blob.hash(), blob);
            Rare r = rare();
            if (r.checkpoint == null) {
                r.checkpoint = new HashMap<>(4);
            }
            r.checkpoint.put(slot, new BlobRef(blob.hash(), blob.size(), BlobRef.OCTET_STREAM));
            return this;
        }

        /**
         * Carries bytes as an attachment blob and returns the reference that nodes of this commit
         * put in their attachments. Every attached blob must be referenced by a node of the commit.
         *
         * @param bytes the attachment's bytes
         * @param mediaType its media type
         * @return the reference
         */
        public BlobRef attach(byte[] bytes, String mediaType) {
            Objects.requireNonNull(bytes, "bytes");
            Objects.requireNonNull(mediaType, "mediaType");
            NewBlob blob = NewBlob.of(bytes);
            BlobRef ref = new BlobRef(blob.hash(), blob.size(), mediaType);
            blobs().putIfAbsent(blob.hash(), blob);
            Rare r = rare();
            if (r.attached == null) {
                r.attached = new HashSet<>(4);
            }
            r.attached.add(blob.hash());
            return ref;
        }

        private Map<ContentHash, NewBlob> blobs() {
            Rare r = rare();
            if (r.blobs == null) {
                r.blobs = new LinkedHashMap<>(4);
            }
            return r.blobs;
        }

        /**
         * Records token usage for a node, stored live or appended in this commit (SPEC rule 14).
         *
         * @param nodeId the node
         * @param model the model name
         * @param tokens the counts
         * @return this builder
         */
        public Builder usage(String nodeId, String model, TokenUsage tokens) {
            UsageRecord record = new UsageRecord(nodeId, model, tokens);
            if (usageCount == 0) {
                usage0 = record;
            } else {
                usages = store(usage0, usages, usageCount, record, UsageRecord[]::new);
            }
            usageCount++;
            return this;
        }

        /**
         * Makes the commit idempotent under a key (SPEC rule 7).
         *
         * @param key the key ({@link Ids#RULE}), unique per logical step
         * @return this builder
         */
        public Builder idempotencyKey(String key) {
            rare().idempotencyKey = Ids.require("idempotency key", key);
            return this;
        }

        /**
         * Takes a snapshot.
         *
         * @return the commit
         * @throws InvalidRequestException if an attached blob is referenced by no node of the commit
         */
        public RuntimeCommit build() {
            if (rare != null && rare.attached != null) {
                Set<ContentHash> unreferenced = new HashSet<>(rare.attached);
                for (int i = 0; i < nodeCount; i++) {
                    for (BlobRef r : node(i).attachments()) {
                        unreferenced.remove(r.hash());
                    }
                }
                if (!unreferenced.isEmpty()) {
                    throw new InvalidRequestException("Attached blob " + unreferenced.iterator().next()
                            + " is not referenced by any node of the commit: put the BlobRef that attach()"
                            + " returned into a node's attachments, or do not attach it");
                }
            }
            return new RuntimeCommit(this);
        }
    }
}
