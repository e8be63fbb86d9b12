package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.NewBlob;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.StorePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The CPU work of a commit, done before the write lock is taken: the size check (rule 8), payload
 * hashes, compression, and the encoded attachment lists.
 *
 * @param sizeViolation the message of the first size limit the commit breaks, if any; then nothing
 *     else is prepared
 * @param nodes the prepared nodes, in commit order
 * @param blobs the carried blobs that a node or a large slot value of the commit references, prepared:
 *     the rows of the {@code blobs} table the commit writes
 * @param inline the slots whose value is small ({@link InlineSlots#MAX_BYTES}) and carried, by name, with
 *     the stored form of the value, kept in the slot's own {@code checkpoints} row (issue 17)
 * @param fingerprint the commit's fingerprint as a digest, when it has an idempotency key
 */
public record PreparedCommit(Optional<String> sizeViolation, List<Node> nodes, List<Blob> blobs,
                             Map<String, Codec.Stored> inline, Optional<byte[]> fingerprint) {

    /** A node ready to insert. */
    public record Node(NewNode node, Codec.Stored payload, int payloadSize, byte[] payloadDigest, Optional<byte[]> attachments) {
    }

    /**
     * A blob ready to insert.
     *
     * @param stored the encoded bytes; null when the blob was already stored when the commit was
     *     prepared, so it was not compressed: the write transaction checks that it is still there
     *     (gc may have deleted it since) and encodes {@code raw} only if it is not
     * @param raw the uncompressed bytes
     */
    public record Blob(ContentHash hash, long size, Codec.Stored stored, byte[] raw) {
    }

    /**
     * Prepares a commit, compressing every carried blob it references.
     *
     * @param commit the commit
     * @param policy the store's size limits
     * @param codec how to store bytes
     * @return the prepared commit
     */
    public static PreparedCommit of(RuntimeCommit commit, StorePolicy policy, Codec codec) {
        return of(commit, policy, codec, hashes -> Set.of());
    }

    /**
     * @param alreadyStored given the hashes of the carried blobs worth compressing, returns those
     *     that are stored now (a hint: the write transaction checks again); their compression is
     *     skipped unless they vanish before the write
     */
    public static PreparedCommit of(RuntimeCommit commit, StorePolicy policy, Codec codec,
                             Function<Set<ContentHash>, Set<ContentHash>> alreadyStored) {
        Optional<byte[]> fingerprint = commit.idempotencyKey().isPresent()
                ? Optional.of(commit.fingerprint().toBytes()) : Optional.empty();
        Optional<String> violation = sizeViolation(commit, policy);
        if (violation.isPresent()) {
            return new PreparedCommit(violation, List.of(), List.of(), Map.of(), fingerprint);
        }
        List<NewNode> source = commit.nodes();
        List<Node> nodes = new ArrayList<>(source.size());
        Map<ContentHash, NewBlob> carried = commit.blobs();
        Map<ContentHash, Blob> blobs = carried.isEmpty() ? Map.of() : new LinkedHashMap<>();
        for (NewNode n : source) {
            byte[] payload = n.payload();
            nodes.add(new Node(n, codec.encode(payload), payload.length, ContentHash.digest(payload),
                    Encoding.encodeRefs(n.attachments())));
            for (BlobRef ref : n.attachments()) {
                addCarried(ref, carried, blobs, codec);
            }
        }
        Map<String, Codec.Stored> inline = Map.of();
        for (Map.Entry<String, BlobRef> slot : commit.checkpoint().entrySet()) {
            Optional<byte[]> small = InlineSlots.carriedValue(slot.getValue(), carried);
            if (small.isPresent()) {
                if (inline.isEmpty()) {
                    inline = new LinkedHashMap<>();
                }
                inline.put(slot.getKey(), codec.encode(small.get()));
            } else {
                addCarried(slot.getValue(), carried, blobs, codec);
            }
        }
        if (!blobs.isEmpty()) {
            blobs = encode(blobs, codec, alreadyStored);
        }
        return new PreparedCommit(Optional.empty(), nodes, List.copyOf(blobs.values()), inline, fingerprint);
    }

    /**
     * @param commit the commit this was prepared from
     * @return the blobs its checkpoint slots name that are not kept inline: those the {@code blobs}
     *     table must hold (carried large values, and values named without their bytes)
     */
    public List<BlobRef> storedSlotRefs(RuntimeCommit commit) {
        List<BlobRef> refs = new ArrayList<>(commit.checkpoint().size());
        for (Map.Entry<String, BlobRef> slot : commit.checkpoint().entrySet()) {
            if (!inline.containsKey(slot.getKey())) {
                refs.add(slot.getValue());
            }
        }
        return refs;
    }

    /**
     * Only carried blobs that something references are stored: every stored blob has an owner. Adds
     * the blob unencoded; {@link #encode} encodes those not already stored.
     */
    private static void addCarried(BlobRef ref, Map<ContentHash, NewBlob> carried, Map<ContentHash, Blob> out,
                                   Codec codec) {
        NewBlob blob = carried.get(ref.hash());
        if (blob != null && !out.containsKey(ref.hash())) {
            byte[] bytes = blob.bytes();
            out.put(ref.hash(), new Blob(ref.hash(), bytes.length, null, bytes));
        }
    }

    /** Encodes every blob but those that are worth compressing and already stored. */
    private static Map<ContentHash, Blob> encode(Map<ContentHash, Blob> blobs, Codec codec,
                                                 Function<Set<ContentHash>, Set<ContentHash>> alreadyStored) {
        Set<ContentHash> large = new java.util.HashSet<>();
        for (Blob b : blobs.values()) {
            if (b.raw().length >= Codec.THRESHOLD) {
                large.add(b.hash());
            }
        }
        Set<ContentHash> stored = large.isEmpty() ? Set.of() : alreadyStored.apply(large);
        Map<ContentHash, Blob> out = new LinkedHashMap<>();
        for (Blob b : blobs.values()) {
            out.put(b.hash(), stored.contains(b.hash()) && large.contains(b.hash())
                    ? b : new Blob(b.hash(), b.size(), codec.encode(b.raw()), b.raw()));
        }
        return out;
    }

    private static Optional<String> sizeViolation(RuntimeCommit commit, StorePolicy policy) {
        for (NewNode node : commit.nodes()) {
            if (node.payloadSize() > policy.maxPayloadBytes()) {
                return Optional.of("Payload of node " + Ids.quote(node.nodeId()) + " is " + node.payloadSize()
                        + " bytes, over the store's limit maxPayloadBytes=" + policy.maxPayloadBytes()
                        + "; store large content as an attachment");
            }
        }
        for (NewBlob blob : commit.blobs().values()) {
            if (blob.size() > policy.maxBlobBytes()) {
                return Optional.of("Blob " + blob.hash() + " is " + blob.size()
                        + " bytes, over the store's limit maxBlobBytes=" + policy.maxBlobBytes());
            }
        }
        return Optional.empty();
    }
}
