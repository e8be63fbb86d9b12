package dev.cairn.persistence.cli;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers {@code cairn stats} prints.
 *
 * @param sessionId the session
 * @param head head and revision
 * @param activePathLength nodes from the root to the head
 * @param liveNodes live nodes
 * @param tombstonedNodes tombstoned (not yet detached) nodes
 * @param roots live root nodes
 * @param branches live leaves: the tips of the live branches
 * @param nodesByKind live nodes per kind
 * @param payloadBytes payload bytes of the live nodes
 * @param blobs distinct blobs referenced by live nodes (attachments and checkpoint slots)
 * @param blobBytes their uncompressed bytes
 * @param attachmentRefs attachment references of live nodes
 * @param checkpointSlots checkpoint slots committed at live nodes
 * @param usageTotal the ledger total
 * @param usageByModel the ledger by model
 * @param usageEntries ledger entries of live and tombstoned nodes
 */
record SessionStats(String sessionId, SessionHead head, int activePathLength, long liveNodes, long tombstonedNodes,
                    long roots, long branches, Map<String, Long> nodesByKind, long payloadBytes, long blobs,
                    long blobBytes, long attachmentRefs, long checkpointSlots, TokenUsage usageTotal,
                    Map<String, TokenUsage> usageByModel, long usageEntries) {

    static SessionStats of(RuntimePersistence store) {
        PersistedSessionRead read = store.loadSession(SessionReadScope.fullGraphWithTombstones())
                .orElseThrow(() -> CliException.notFound("Session '" + store.sessionId() + "' was deleted while reading"));
        SessionGraph graph = new SessionGraph(read.nodes());
        Map<String, Long> byKind = new TreeMap<>();
        Map<ContentHash, Long> blobSizes = new HashMap<>();
        long payloadBytes = 0;
        long attachments = 0;
        for (SessionNode n : read.nodes()) {
            if (n.tombstoned()) {
                continue;
            }
            byKind.merge(n.kind().name(), 1L, Long::sum);
            payloadBytes += n.payloadSize();
            for (BlobRef r : n.attachments()) {
                attachments++;
                blobSizes.put(r.hash(), r.size());
            }
        }
        var slots = CheckpointIndex.all(CheckpointIndex.perNode(store, read.nodes()));
        for (CheckpointSlot s : slots) {
            blobSizes.put(s.blob().hash(), s.blob().size());
        }
        long roots = graph.roots().stream().filter(n -> !n.tombstoned()).count();
        int pathLength = read.head().nodeId().map(h -> graph.pathTo(h).size()).orElse(0);
        return new SessionStats(read.meta().sessionId(), read.head(), pathLength, graph.liveCount(),
                graph.tombstonedCount(), roots, graph.liveLeaves().size(), byKind, payloadBytes, blobSizes.size(),
                blobSizes.values().stream().mapToLong(Long::longValue).sum(), attachments, slots.size(),
                read.usage().total(), read.usage().byModel(), read.usage().turns().size());
    }
}
