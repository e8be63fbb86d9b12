package dev.cairn.persistence.memory;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewBlob;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks of a commit against the stored session, with nothing written (SPEC rules 4 to 8).
 * Called under the session's lock and the backend's read lock, so what they see stays true until
 * the commit is applied.
 */
final class CommitChecks {
    /** Above this many nodes in one commit, ids are looked up in a map instead of a scan. */
    private static final int SCAN_LIMIT = 8;

    private final SessionState session;
    // The commit being checked; set by requireValid and cleared after it, so no commit is kept.
    private Map<ContentHash, byte[]> storedBlobs;
    private RuntimeCommit commit;
    private Map<String, Integer> newIndex;

    /**
     * The checks of one session, made once with it and reused by every commit under the session's
     * lock, so a commit allocates no checker (issue 19).
     */
    CommitChecks(SessionState session) {
        this.session = session;
    }

    /** Rule 8: payload and blob sizes, against the limits of the store handle. */
    static void requireWithinLimits(RuntimeCommit commit, StorePolicy policy) {
        for (int i = 0, n = commit.nodeCount(); i < n; i++) {
            NewNode node = commit.node(i);
            if (node.payloadSize() > policy.maxPayloadBytes()) {
                throw new InvalidRequestException("Payload of node " + Ids.quote(node.nodeId()) + " is "
                        + node.payloadSize() + " bytes, over the store's limit maxPayloadBytes="
                        + policy.maxPayloadBytes() + "; store large content as an attachment");
            }
        }
        if (!commit.blobs().isEmpty()) {
            for (NewBlob blob : commit.blobs().values()) {
                if (blob.size() > policy.maxBlobBytes()) {
                    throw new InvalidRequestException("Blob " + blob.hash() + " is " + blob.size()
                            + " bytes, over the store's limit maxBlobBytes=" + policy.maxBlobBytes());
                }
            }
        }
    }

    /**
     * Rules 4 to 6 and the ledger's arithmetic.
     *
     * @throws InvalidRequestException for the first rule the commit breaks
     */
    static void requireValid(SessionState session, Map<ContentHash, byte[]> storedBlobs, RuntimeCommit commit) {
        CommitChecks checks = session.checks;
        checks.storedBlobs = storedBlobs;
        checks.commit = commit;
        try {
            checks.requireNodes();
            checks.requireHead();
            checks.requireBlobs();
            checks.requireUsage();
        } finally {
            checks.storedBlobs = null;
            checks.commit = null;
            checks.newIndex = null;
        }
    }

    private void requireNodes() {
        for (int i = 0, n = commit.nodeCount(); i < n; i++) {
            NewNode node = commit.node(i);
            int taken = session.node(node.nodeId());
            if (taken >= 0) {
                throw new InvalidRequestException("Node id " + Ids.quote(node.nodeId()) + " is already used in session "
                        + Ids.quote(session.id) + " by a " + stateName(taken) + " node: node ids are unique within"
                        + " a session, detached ones included until vacuum");
            }
            Optional<String> parentId = node.parentNodeId();
            if (parentId.isPresent()) {
                requireParent(node, parentId.get(), i);
            }
        }
    }

    private void requireParent(NewNode node, String parentId, int position) {
        int stored = session.node(parentId);
        if (stored >= 0) {
            if (!session.nodes.isLive(stored)) {
                throw new InvalidRequestException("Parent " + Ids.quote(parentId) + " of node " + Ids.quote(node.nodeId())
                        + " is " + stateName(stored) + ": a parent must be a live node of the session");
            }
            return;
        }
        int at = indexOfNew(parentId);
        if (at < 0) {
            throw new InvalidRequestException("Parent " + Ids.quote(parentId) + " of node " + Ids.quote(node.nodeId())
                    + " is not a node of session " + Ids.quote(session.id)
                    + ": a parent is a live node, stored earlier or appended earlier in the same commit");
        }
        if (at > position) {
            throw new InvalidRequestException("Parent " + Ids.quote(parentId) + " of node " + Ids.quote(node.nodeId())
                    + " is appended later in the same commit: append a parent before its children");
        }
    }

    private void requireHead() {
        Optional<String> head = commit.head();
        if (head.isPresent() && !isLiveOrNew(head.get())) {
            throw new InvalidRequestException("Head " + Ids.quote(head.get()) + " is not a live node of session "
                    + Ids.quote(session.id) + ": the head must be a live node, stored or appended in the commit");
        }
    }

    private void requireBlobs() {
        for (int i = 0, n = commit.nodeCount(); i < n; i++) {
            NewNode node = commit.node(i);
            List<BlobRef> refs = node.attachments();
            for (int j = 0, m = refs.size(); j < m; j++) {
                requireBlob(refs.get(j), "attachment of node " + Ids.quote(node.nodeId()));
            }
        }
        if (!commit.checkpoint().isEmpty()) {
            if (commit.head().isEmpty() && session.head < 0) {
                throw new InvalidRequestException("A checkpoint needs a head: session " + Ids.quote(session.id)
                        + " has none and the commit names none; set a head in the commit that carries the checkpoint");
            }
            for (Map.Entry<String, BlobRef> slot : commit.checkpoint().entrySet()) {
                requireBlob(slot.getValue(), "checkpoint slot " + Ids.quote(slot.getKey()));
            }
        }
    }

    private void requireBlob(BlobRef ref, String what) {
        NewBlob carried = commit.blobs().get(ref.hash());
        long size;
        if (carried != null) {
            size = carried.size();
        } else {
            byte[] stored = session.references(ref.hash()) ? storedBlobs.get(ref.hash()) : null;
            if (stored == null) {
                throw new InvalidRequestException("Blob " + ref.hash() + " of the " + what
                        + " is neither carried by the commit nor referenced by session " + Ids.quote(session.id)
                        + ": attach its bytes in the commit (a commit may name without its bytes only a blob its"
                        + " session references already)");
            }
            size = stored.length;
        }
        if (size != ref.size()) {
            throw new InvalidRequestException("Blob " + ref.hash() + " of the " + what + " is " + size
                    + " bytes, but the reference says " + ref.size() + ": use the BlobRef that attach() returned");
        }
    }

    private void requireUsage() {
        int count = commit.usageCount();
        if (count == 0) {
            return;
        }
        long[] t = session.total;
        long in = t[0];
        long out = t[1];
        long cached = t[2];
        long reasoning = t[3];
        for (int i = 0; i < count; i++) {
            UsageRecord u = commit.usageRecord(i);
            if (!isLiveOrNew(u.nodeId())) {
                throw new InvalidRequestException("Usage record names node " + Ids.quote(u.nodeId())
                        + ", which is not a live node of session " + Ids.quote(session.id)
                        + ": usage belongs to a live node, stored or appended in the commit");
            }
            try {
                TokenUsage add = u.usage();
                in = Math.addExact(in, add.inputTokens());
                out = Math.addExact(out, add.outputTokens());
                cached = Math.addExact(cached, add.cachedInputTokens());
                reasoning = Math.addExact(reasoning, add.reasoningTokens());
            } catch (ArithmeticException e) {
                throw new InvalidRequestException("Usage of node " + Ids.quote(u.nodeId())
                        + " would overflow the session's token totals (over " + Long.MAX_VALUE + ")");
            }
        }
    }

    private boolean isLiveOrNew(String nodeId) {
        // A node of this commit is not stored (requireNodes), so looking among them first answers the
        // same and spares the index for the head and usage nodes of most commits.
        if (indexOfNew(nodeId) >= 0) {
            return true;
        }
        int stored = session.node(nodeId);
        return stored >= 0 && session.nodes.isLive(stored);
    }

    private int indexOfNew(String nodeId) {
        int n = commit.nodeCount();
        if (n <= SCAN_LIMIT) {
            for (int i = 0; i < n; i++) {
                if (commit.node(i).nodeId().equals(nodeId)) {
                    return i;
                }
            }
            return -1;
        }
        if (newIndex == null) {
            newIndex = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                newIndex.put(commit.node(i).nodeId(), i);
            }
        }
        Integer at = newIndex.get(nodeId);
        return at == null ? -1 : at;
    }

    private String stateName(int node) {
        return switch (session.nodes.state(node)) {
            case NodeTable.LIVE -> "live";
            case NodeTable.TOMBSTONED -> "tombstoned";
            default -> "detached";
        };
    }
}
