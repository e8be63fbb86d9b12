package dev.cairn.persistence.memory;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.NewBlob;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.UsageRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies a commit to a session: every check first, in the order of SPEC "Commits" (idempotency
 * key, size limits, revision, graph rules), then the changes, which cannot fail. So a commit that
 * throws leaves no trace (rule 1).
 */
final class Committer {
    private Committer() {
    }

    /**
     * Commits. The caller holds the backend's read lock and the session's lock.
     *
     * @param fingerprint the commit's fingerprint when it has an idempotency key, else null
     */
    static RuntimeCommitResult commit(SessionState s, ConcurrentHashMap<ContentHash, byte[]> blobs, StorePolicy policy,
                                      RuntimeCommit commit, ContentHash fingerprint) {
        if (fingerprint != null) {
            String key = commit.idempotencyKey().orElseThrow();
            SessionState.KeyedResult first = s.keyed(key);
            if (first != null) {
                if (first.fingerprint().equals(fingerprint)) {
                    return first.replay();
                }
                throw new IdempotencyConflictException(s.id, key);
            }
        }
        CommitChecks.requireWithinLimits(commit, policy);
        if (!commit.admits(s.revision)) {
            throw new RevisionConflictException(s.id, commit.expectedRevision().orElseThrow(), s.revision);
        }
        CommitChecks.requireValid(s, blobs, commit);

        // Nothing below throws.
        Instant now = Times.now();
        long nowNanos = Times.toNanos(now);
        long revision = s.revision + 1;
        long firstNewSeq = s.nextSeq;
        Map<ContentHash, NewBlob> carried = commit.blobs();
        NodeTable table = s.nodes;
        for (int i = 0, n = commit.nodeCount(); i < n; i++) {
            NewNode source = commit.node(i);
            Optional<String> parentId = source.parentNodeId();
            int parent = parentId.isPresent() ? s.node(parentId.get()) : -1;
            s.added(table.add(source, parent, s.nextSeq++, nowNanos), source.nodeId());
            List<BlobRef> refs = source.attachments();
            for (int j = 0, m = refs.size(); j < m; j++) {
                storeCarried(blobs, carried, refs.get(j));
            }
        }
        if (commit.head().isPresent()) {
            int head = s.node(commit.head().get()); // before headId changes: node() knows the old head
            s.headId = commit.head();
            s.head = head;
        }
        if (!commit.checkpoint().isEmpty()) {
            int at = s.head;
            for (Map.Entry<String, BlobRef> slot : commit.checkpoint().entrySet()) {
                s.putSlot(at, slot.getKey(), slot.getValue());
                storeCarried(blobs, carried, slot.getValue());
            }
            if (table.seq(at) < firstNewSeq) {
                // A stored node may have descendants whose cached checkpoints included its old slots.
                s.checkpointEpoch++;
            }
        }
        for (int i = 0, n = commit.usageCount(); i < n; i++) {
            UsageRecord u = commit.usageRecord(i);
            s.addUsage(s.node(u.nodeId()), revision, u.model(), u.usage(), nowNanos);
        }
        s.revision = revision;
        RuntimeCommitResult result = new RuntimeCommitResult(revision, s.headId, now, s.resolve(s.head), false);
        if (fingerprint != null) {
            s.recordKey(commit.idempotencyKey().orElseThrow(), fingerprint, result);
        }
        return result;
    }

    /** Stores a carried blob the first time a node or slot references it; an unreferenced one is not kept. */
    private static void storeCarried(ConcurrentHashMap<ContentHash, byte[]> blobs, Map<ContentHash, NewBlob> carried,
                                     BlobRef ref) {
        if (carried.isEmpty() || blobs.containsKey(ref.hash())) {
            return;
        }
        NewBlob blob = carried.get(ref.hash());
        if (blob != null) {
            blobs.putIfAbsent(ref.hash(), blob.bytes());
        }
    }
}
