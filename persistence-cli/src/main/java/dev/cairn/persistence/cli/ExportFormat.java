package dev.cairn.persistence.cli;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.TokenUsage;
import java.util.List;
import java.util.Map;

/**
 * The values of the export file, format {@value #NAME} version {@value #VERSION}. The file is
 * documented in {@code persistence-cli/EXPORT-FORMAT.md}; keep the two in step, and raise
 * {@link #VERSION} for any change a reader of the older version would misread or drop.
 */
final class ExportFormat {
    /** The value of the {@code format} field. */
    static final String NAME = "cairn-session-export";
    /** The version this build writes and the newest it reads. */
    static final int VERSION = 1;

    private ExportFormat() {
    }

    /**
     * The whole file.
     *
     * @param format always {@value #NAME}
     * @param formatVersion the format version
     * @param generator what wrote the file, e.g. {@code cairn 0.1.0}
     * @param exportedAt when (ISO-8601)
     * @param session the session's metadata
     * @param head the head and revision at export
     * @param nodes every live and tombstoned node, by seq
     * @param usage the token ledger
     * @param blobs every blob the nodes and checkpoints reference, by hash
     */
    record Document(String format, int formatVersion, String generator, String exportedAt, Session session,
                    Head head, List<Node> nodes, Usage usage, Map<String, Blob> blobs) {
    }

    /**
     * Session metadata.
     *
     * @param sessionId id
     * @param name display name
     * @param model model
     * @param cwd working directory
     * @param parentSessionId parent session or null
     * @param createdAt creation time (ISO-8601)
     * @param attributes attributes
     */
    record Session(String sessionId, String name, String model, String cwd, String parentSessionId,
                   String createdAt, Map<String, String> attributes) {
    }

    /**
     * The head.
     *
     * @param nodeId head node or null
     * @param revision revision at export
     */
    record Head(String nodeId, long revision) {
    }

    /**
     * One node.
     *
     * @param nodeId id
     * @param parentNodeId parent or null for a root
     * @param kind kind name
     * @param seq commit order in the source
     * @param createdAt commit time in the source (ISO-8601)
     * @param tombstoned whether it was tombstoned
     * @param payloadHash {@code sha256:} hex of the payload
     * @param payload the payload, base64
     * @param attachments attachment references
     * @param checkpoint slots committed at this node, by slot name
     */
    record Node(String nodeId, String parentNodeId, String kind, long seq, String createdAt, boolean tombstoned,
                String payloadHash, byte[] payload, List<Ref> attachments, Map<String, Ref> checkpoint) {
    }

    /**
     * A blob reference.
     *
     * @param hash {@code sha256:} hex
     * @param size uncompressed bytes
     * @param mediaType media type
     */
    record Ref(String hash, long size, String mediaType) {
        static Ref of(BlobRef r) {
            return new Ref(r.hash().toString(), r.size(), r.mediaType());
        }

        ContentHash contentHash() {
            return ContentHash.parse(hash);
        }
    }

    /**
     * A blob.
     *
     * @param size its length
     * @param data its bytes, base64
     */
    record Blob(long size, byte[] data) {
    }

    /**
     * Token counts.
     *
     * @param inputTokens input
     * @param outputTokens output
     * @param cachedInputTokens cached input
     * @param reasoningTokens reasoning
     */
    record Tokens(long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens) {
        static Tokens of(TokenUsage u) {
            return new Tokens(u.inputTokens(), u.outputTokens(), u.cachedInputTokens(), u.reasoningTokens());
        }

        TokenUsage toUsage() {
            return new TokenUsage(inputTokens, outputTokens, cachedInputTokens, reasoningTokens);
        }
    }

    /**
     * The ledger.
     *
     * @param total sum of every record ever committed
     * @param byModel the same per model
     * @param unattributed per model, the part of {@code byModel} that no entry carries (usage of
     *     nodes detached by gc)
     * @param entries the entries of the exported nodes, in commit order
     */
    record Usage(Tokens total, Map<String, Tokens> byModel, Map<String, Tokens> unattributed, List<Entry> entries) {
    }

    /**
     * One ledger entry.
     *
     * @param revision the source commit's revision
     * @param nodeId the node
     * @param model the model
     * @param usage the counts
     * @param recordedAt when (ISO-8601)
     */
    record Entry(long revision, String nodeId, String model, Tokens usage, String recordedAt) {
    }
}
