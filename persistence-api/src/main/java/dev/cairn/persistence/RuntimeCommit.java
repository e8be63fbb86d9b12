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
 */
public final class RuntimeCommit {
    /** The expected revision, or -1 for an unconditional commit. */
    private final long expectedRevision;
    private final List<NewNode> nodes;
    private final Optional<String> head;
    private final Map<String, BlobRef> checkpoint;
    private final Map<ContentHash, NewBlob> blobs;
    private final List<UsageRecord> usage;
    private final Optional<String> idempotencyKey;
    private volatile ContentHash fingerprint;

    private RuntimeCommit(Builder b) {
        this.expectedRevision = b.expectedRevision;
        this.nodes = Builder.immutable(b.firstNode, b.nodes, b.nodeCount);
        this.head = b.head;
        // Sorted by slot name: the fingerprint and toString() walk the slots in this order.
        this.checkpoint = b.checkpoint == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(b.checkpoint));
        this.blobs = b.blobs == null ? Map.of() : carried(b);
        this.usage = Builder.immutable(b.firstUsage, b.usage, b.usageCount);
        this.idempotencyKey = b.idempotencyKey;
    }

    /** Only blobs something references: a checkpoint slot set twice leaves no orphan behind. */
    private static Map<ContentHash, NewBlob> carried(Builder b) {
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

    /** @return the nodes to append, in order */
    public List<NewNode> nodes() {
        return nodes;
    }

    /** @return the node the head moves to, or empty to keep the head */
    public Optional<String> head() {
        return head;
    }

    /** @return the checkpoint slots to commit at the new head, by slot name */
    public Map<String, BlobRef> checkpoint() {
        return checkpoint;
    }

    /** @return the blobs the commit carries (attachments and checkpoint slots), by hash */
    public Map<ContentHash, NewBlob> blobs() {
        return blobs;
    }

    /** @return the usage records, in order */
    public List<UsageRecord> usage() {
        return usage;
    }

    /** @return the idempotency key, if any */
    public Optional<String> idempotencyKey() {
        return idempotencyKey;
    }

    /** @return true if the commit appends nothing, moves nothing and records nothing */
    public boolean isEmpty() {
        return nodes.isEmpty() && head.isEmpty() && checkpoint.isEmpty() && usage.isEmpty();
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
            out.writeInt(nodes.size());
            for (NewNode n : nodes) {
                out.writeUTF(n.nodeId());
                out.writeUTF(n.parentNodeId().orElse(""));
                out.writeUTF(n.kind().name());
                out.write(ContentHash.digest(n.payload()));
                writeRefs(out, n.attachments());
            }
            out.writeUTF(head.orElse(""));
            out.writeInt(checkpoint.size());
            for (Map.Entry<String, BlobRef> e : checkpoint.entrySet()) {
                out.writeUTF(e.getKey());
                writeRefs(out, List.of(e.getValue()));
            }
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
                + ", nodes=" + nodes.size() + ", head=" + head.orElse("-") + ", slots=" + checkpoint.keySet()
                + ", blobs=" + blobs.size() + ", usage=" + usage.size()
                + idempotencyKey.map(k -> ", key=" + k).orElse("") + "]";
    }

    /**
     * Builds a {@link RuntimeCommit}. Not thread-safe; {@link #build()} takes a snapshot, so a
     * builder may be built again after further changes.
     */
    public static final class Builder {
        /** Up to this many nodes, a duplicate id is found by a scan; above it, through {@link #nodeIndex}. */
        private static final int SCAN_LIMIT = 8;

        /** The expected revision, or -1 for none. */
        private final long expectedRevision;
        // Collections are made at first use and sized to what a turn needs: most commits append one
        // node with one usage record and carry neither slots nor blobs (issue 19).
        /** The first node, as the immutable list a one-node commit returns. */
        private List<NewNode> firstNode;
        /** Every node, once there is more than one; else null. */
        private NewNode[] nodes;
        private int nodeCount;
        private Set<String> nodeIndex;
        private Optional<String> head = Optional.empty();
        private Map<String, BlobRef> checkpoint;
        private Map<ContentHash, NewBlob> blobs;
        private Set<ContentHash> attached;
        private List<UsageRecord> firstUsage;
        private UsageRecord[] usage;
        private int usageCount;
        private Optional<String> idempotencyKey = Optional.empty();

        private Builder(long expectedRevision) {
            this.expectedRevision = expectedRevision;
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
                firstNode = List.of(node); // immutable already: build() takes it as it is
            } else {
                nodes = store(firstNode.get(0), nodes, nodeCount, node, NewNode[]::new);
            }
            nodeCount++;
            if (nodeIndex != null) {
                nodeIndex.add(node.nodeId());
            } else if (nodeCount > SCAN_LIMIT) {
                nodeIndex = new HashSet<>(nodeCount * 4);
                for (int i = 0; i < nodeCount; i++) {
                    nodeIndex.add(node(i).nodeId());
                }
            }
            return this;
        }

        private boolean containsNode(String nodeId) {
            if (nodeIndex != null) {
                return nodeIndex.contains(nodeId);
            }
            for (int i = 0; i < nodeCount; i++) {
                if (node(i).nodeId().equals(nodeId)) {
                    return true;
                }
            }
            return false;
        }

        private NewNode node(int i) {
            return nodes == null ? firstNode.get(i) : nodes[i];
        }

        /**
         * An immutable list of the first {@code count} elements: one exact-size copy; for one element
         * the list {@code single} that the builder made when it was appended, so no copy at all.
         */
        static <T> List<T> immutable(List<T> single, T[] array, int count) {
            return switch (count) {
                case 0 -> List.of();
                case 1 -> single;
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
            this.head = Optional.of(Ids.require("head node id", nodeId));
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
            if (checkpoint == null) {
                checkpoint = new HashMap<>(4);
            }
            checkpoint.put(slot, new BlobRef(blob.hash(), blob.size(), BlobRef.OCTET_STREAM));
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
            if (attached == null) {
                attached = new HashSet<>(4);
            }
            attached.add(blob.hash());
            return ref;
        }

        private Map<ContentHash, NewBlob> blobs() {
            if (blobs == null) {
                blobs = new LinkedHashMap<>(4);
            }
            return blobs;
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
                firstUsage = List.of(record);
            } else {
                usage = store(firstUsage.get(0), usage, usageCount, record, UsageRecord[]::new);
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
            this.idempotencyKey = Optional.of(Ids.require("idempotency key", key));
            return this;
        }

        /**
         * Takes a snapshot.
         *
         * @return the commit
         * @throws InvalidRequestException if an attached blob is referenced by no node of the commit
         */
        public RuntimeCommit build() {
            if (attached != null) {
                Set<ContentHash> unreferenced = new HashSet<>(attached);
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
