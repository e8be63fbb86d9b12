package dev.cairn.persistence.cli;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreCorruptedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Re-hashes every payload against its {@code payloadHash} and loads every referenced blob (which
 * the store verifies: {@link StoreCorruptedException} on a mismatch), session by session. Each blob
 * is loaded once even when several sessions share it.
 */
final class Verifier {
    /**
     * One problem.
     *
     * @param kind {@code payload}, {@code blob}, {@code missing-blob}, {@code unreadable-session} (the
     *     session's full read failed verification) or {@code unreadable-path} (an {@code activePathTo}
     *     read failed)
     * @param sessionId the session where it was found
     * @param subject what is damaged: a node id or a blob hash
     * @param detail what is wrong
     * @param referencedBy for blobs: {@code session/node (attachment|checkpoint SLOT)}
     */
    record Problem(String kind, String sessionId, String subject, String detail, List<String> referencedBy) {
    }

    /**
     * The result.
     *
     * @param sessions sessions checked
     * @param nodes nodes whose payloads were re-hashed
     * @param blobs distinct blobs loaded
     * @param blobBytes their bytes
     * @param problems what was found
     */
    record Report(int sessions, long nodes, int blobs, long blobBytes, List<Problem> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Map<ContentHash, Optional<Problem>> checkedBlobs = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private long nodes;
    private long blobBytes;
    private int sessions;

    Report verify(SessionStoreFactory factory, List<String> sessionIds) {
        for (String id : sessionIds) {
            Optional<RuntimePersistence> store = factory.openExisting(id);
            if (store.isEmpty()) {
                continue;
            }
            try (RuntimePersistence s = store.get()) {
                verifySession(s);
            }
            sessions++;
        }
        return new Report(sessions, nodes, checkedBlobs.size(), blobBytes, List.copyOf(problems));
    }

    private void verifySession(RuntimePersistence store) {
        String sid = store.sessionId();
        PersistedSessionRead read;
        try {
            Optional<PersistedSessionRead> r = store.loadSession(SessionReadScope.fullGraphWithTombstones());
            if (r.isEmpty()) {
                return;
            }
            read = r.get();
        } catch (StoreCorruptedException e) {
            problems.add(new Problem("unreadable-session", sid, sid, "the session cannot be read: " + Errors.oneLine(e.getMessage()),
                    List.of()));
            return;
        }
        Map<ContentHash, List<String>> refs = new LinkedHashMap<>();
        Map<ContentHash, Long> sizes = new LinkedHashMap<>();
        for (SessionNode n : read.nodes()) {
            nodes++;
            ContentHash actual = ContentHash.of(n.payload());
            if (!actual.equals(n.payloadHash())) {
                problems.add(new Problem("payload", sid, n.nodeId(), "the payload of node " + n.nodeId() + " (#" + n.seq()
                        + ") hashes to " + actual + " but its payloadHash is " + n.payloadHash(), List.of()));
            }
            for (BlobRef r : n.attachments()) {
                refs.computeIfAbsent(r.hash(), k -> new ArrayList<>()).add(sid + "/" + n.nodeId() + " (attachment)");
                sizes.put(r.hash(), r.size());
            }
        }
        var slots = CheckpointIndex.perNode(store, read.nodes(), (n, e) -> problems.add(new Problem("unreadable-path", sid,
                n.nodeId(), "the path to node " + n.nodeId() + " cannot be read: " + Errors.oneLine(e.getMessage()),
                List.of())));
        for (CheckpointSlot s : CheckpointIndex.all(slots)) {
            refs.computeIfAbsent(s.blob().hash(), k -> new ArrayList<>())
                    .add(sid + "/" + s.nodeId() + " (checkpoint " + s.slot() + ")");
            sizes.put(s.blob().hash(), s.blob().size());
        }
        refs.forEach((hash, by) -> checkBlob(store, sid, hash, sizes.get(hash)).ifPresent(p -> p.referencedBy().addAll(by)));
    }

    private Optional<Problem> checkBlob(RuntimePersistence store, String sid, ContentHash hash, long size) {
        Optional<Problem> known = checkedBlobs.get(hash);
        if (known != null) {
            return known;
        }
        Optional<Problem> result = Optional.empty();
        try {
            Optional<byte[]> bytes = store.loadBlob(hash);
            if (bytes.isEmpty()) {
                result = Optional.of(new Problem("missing-blob", sid, hash.toString(), "the blob is not in the store",
                        new ArrayList<>()));
            } else {
                blobBytes += bytes.get().length;
                if (!hash.matches(bytes.get())) {
                    result = Optional.of(new Problem("blob", sid, hash.toString(),
                            "the store returned bytes that hash to " + ContentHash.of(bytes.get()), new ArrayList<>()));
                } else if (bytes.get().length != size) {
                    result = Optional.of(new Problem("blob", sid, hash.toString(), "the blob has " + bytes.get().length
                            + " bytes but is referenced with size " + size, new ArrayList<>()));
                }
            }
        } catch (StoreCorruptedException e) {
            result = Optional.of(new Problem("blob", sid, hash.toString(), Errors.oneLine(e.getMessage()), new ArrayList<>()));
        }
        result.ifPresent(problems::add);
        checkedBlobs.put(hash, result);
        return result;
    }
}
