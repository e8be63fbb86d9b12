package dev.cairn.persistence.cli;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StorePolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds a session from an export by replaying commits: one commit per node in seq order (with
 * head and checkpoint slots at nodes that had checkpoints), one per source revision of usage
 * entries, one for unattributed usage, one for the head; then tombstones. A failed import deletes
 * the half-built session.
 */
final class Importer {
    /** No limits: the source store already accepted these sizes. */
    private static final StorePolicy UNLIMITED = new StorePolicy(Integer.MAX_VALUE, Long.MAX_VALUE);

    /**
     * What was imported.
     *
     * @param sessionId the new session
     * @param nodes nodes
     * @param tombstoned of which re-tombstoned
     * @param checkpointSlots checkpoint slots
     * @param usageEntries usage entries, the unattributed ones included
     * @param head the head after the import
     */
    record Summary(String sessionId, int nodes, int tombstoned, int checkpointSlots, int usageEntries, SessionHead head) {
    }

    private Importer() {
    }

    /**
     * @param factory the target store
     * @param doc the export, checked by {@link ExportValidator#validate}
     * @param blobs the blobs that check returned
     * @param targetId the new session's id
     * @return what was imported
     */
    static Summary importInto(SessionStoreFactory factory, ExportFormat.Document doc, Map<ContentHash, byte[]> blobs,
                              String targetId) {
        if (factory.openExisting(targetId).isPresent()) {
            throw CliException.usage("Session '" + targetId + "' already exists in the store; import under a new id "
                    + "with --as NEWID, or delete it first");
        }
        ExportFormat.Session s = doc.session();
        SessionStoreCreateRequest req = new SessionStoreCreateRequest(targetId,
                Optional.ofNullable(s.parentSessionId()), UNLIMITED, nz(s.name()), nz(s.model()), nz(s.cwd()),
                s.attributes() == null ? Map.of() : s.attributes());
        RuntimePersistence store = factory.createStore(req);
        try {
            return replay(store, doc, blobs, targetId);
        } catch (RuntimeException e) {
            store.close();
            try {
                factory.deleteSession(targetId);
            } catch (PersistenceException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        } finally {
            store.close();
        }
    }

    private static Summary replay(RuntimePersistence store, ExportFormat.Document doc, Map<ContentHash, byte[]> blobs,
                                  String targetId) {
        List<ExportFormat.Node> nodes = new ArrayList<>(doc.nodes());
        nodes.sort(Comparator.comparingLong(ExportFormat.Node::seq));
        long rev = 0;
        int slots = 0;
        for (ExportFormat.Node n : nodes) {
            RuntimeCommit.Builder b = RuntimeCommit.expecting(rev);
            List<BlobRef> refs = new ArrayList<>();
            for (ExportFormat.Ref r : list(n.attachments())) {
                refs.add(b.attach(blobs.get(r.contentHash()), r.mediaType()));
            }
            b.append(new NewNode(n.nodeId(), Optional.ofNullable(n.parentNodeId()), NodeKind.of(n.kind()), n.payload(),
                    refs));
            Map<String, ExportFormat.Ref> cp = n.checkpoint() == null ? Map.of() : n.checkpoint();
            if (!cp.isEmpty()) {
                b.head(n.nodeId());
                cp.forEach((slot, r) -> b.checkpoint(slot, blobs.get(r.contentHash())));
                slots += cp.size();
            }
            rev = store.commitRuntimeState(b.build()).revision();
        }
        int usage = 0;
        Map<Long, List<ExportFormat.Entry>> byRevision = new LinkedHashMap<>();
        ExportFormat.Usage u = doc.usage();
        for (ExportFormat.Entry e : u == null ? List.<ExportFormat.Entry>of() : list(u.entries())) {
            byRevision.computeIfAbsent(e.revision(), k -> new ArrayList<>()).add(e);
        }
        for (List<ExportFormat.Entry> group : byRevision.values()) {
            RuntimeCommit.Builder b = RuntimeCommit.expecting(rev);
            group.forEach(e -> b.usage(e.nodeId(), e.model(), e.usage().toUsage()));
            rev = store.commitRuntimeState(b.build()).revision();
            usage += group.size();
        }
        Map<String, ExportFormat.Tokens> unattributed = u == null || u.unattributed() == null ? Map.of() : u.unattributed();
        if (!unattributed.isEmpty() && !nodes.isEmpty()) {
            RuntimeCommit.Builder b = RuntimeCommit.expecting(rev);
            unattributed.forEach((model, t) -> b.usage(nodes.get(0).nodeId(), model, t.toUsage()));
            rev = store.commitRuntimeState(b.build()).revision();
            usage += unattributed.size();
        }
        if (doc.head() != null && doc.head().nodeId() != null) {
            rev = store.commitRuntimeState(RuntimeCommit.expecting(rev).head(doc.head().nodeId()).build()).revision();
        }
        List<String> tombstoned = nodes.stream().filter(ExportFormat.Node::tombstoned).map(ExportFormat.Node::nodeId)
                .toList();
        if (!tombstoned.isEmpty()) {
            store.tombstoneNodes(tombstoned);
        }
        return new Summary(targetId, nodes.size(), tombstoned.size(), slots, usage,
                new SessionHead(Optional.ofNullable(doc.head() == null ? null : doc.head().nodeId()), rev));
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The ids the file uses, for checks that need them. */
    static Map<String, ExportFormat.Node> byId(List<ExportFormat.Node> nodes) {
        Map<String, ExportFormat.Node> m = new HashMap<>();
        nodes.forEach(n -> m.put(n.nodeId(), n));
        return m;
    }

    static String quote(String id) {
        return Ids.quote(id == null ? "null" : id);
    }
}
