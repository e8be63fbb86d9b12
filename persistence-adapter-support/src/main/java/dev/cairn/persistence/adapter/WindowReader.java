package dev.cairn.persistence.adapter;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreCorruptedException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a conversation's window from its session: the head and the window slot in one small read,
 * then, only when they changed, the window's nodes from the tail of the active path (and, for the
 * few that lie further back, such as a pinned system message, one by one). Messages already decoded
 * are reused, so an unchanged window costs one read and no decoding.
 */
final class WindowReader<M> {
    /** Reads again when a commit lands between the two reads; more than this is a hot conversation. */
    private static final int MAX_ROUNDS = 8;

    private final MessageCodec<M> codec;
    private final String slot;

    WindowReader(MessageCodec<M> codec, String slot) {
        this.codec = codec;
        this.slot = slot;
    }

    /**
     * @param store the session's store
     * @param cached what was known before, or null
     * @return the snapshot, or empty when the session does not exist
     */
    Optional<WindowSnapshot<M>> read(RuntimePersistence store, WindowSnapshot<M> cached) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<PersistedSessionRead> probe = store.loadSession(SessionReadScope.activePathTail(1));
            if (probe.isEmpty()) {
                return Optional.empty();
            }
            PersistedSessionRead head = probe.get();
            Optional<CheckpointSlot> windowSlot = head.checkpoint().slot(slot);
            Optional<ContentHash> windowHash = windowSlot.map(s -> s.blob().hash());
            if (cached != null && cached.sameState(head.head().revision(), head.head().nodeId(), windowHash)) {
                return Optional.of(cached);
            }
            if (windowSlot.isEmpty()) {
                return Optional.of(new WindowSnapshot<>(true, head.head().revision(), head.head().nodeId(), windowHash, List.of()));
            }
            byte[] bytes = store.loadBlob(windowHash.get())
                    .orElseThrow(() -> new StoreCorruptedException("the window slot's blob " + windowHash.get() + " is missing"));
            List<String> ids = ViewCodec.decode(bytes);
            Optional<PersistedSessionRead> tail = ids.isEmpty() ? probe
                    : store.loadSession(SessionReadScope.activePathTail(Math.max(16, ids.size() + 8)));
            if (tail.isEmpty()) {
                return Optional.empty();
            }
            if (tail.get().head().revision() != head.head().revision()) {
                continue; // a commit landed between the reads: read again
            }
            return Optional.of(new WindowSnapshot<>(true, head.head().revision(), head.head().nodeId(), windowHash,
                    entries(store, ids, tail.get().nodes(), cached)));
        }
        throw new PersistenceException("the conversation changed " + MAX_ROUNDS
                + " times while its window was being read; try again");
    }

    private List<WindowEntry<M>> entries(RuntimePersistence store, List<String> ids, List<SessionNode> tail, WindowSnapshot<M> cached) {
        Map<String, WindowEntry<M>> known = new HashMap<>();
        if (cached != null) {
            for (WindowEntry<M> e : cached.entries()) {
                known.put(e.nodeId(), e);
            }
        }
        Map<String, SessionNode> nodes = new HashMap<>();
        for (SessionNode n : tail) {
            nodes.put(n.nodeId(), n);
        }
        List<WindowEntry<M>> out = new ArrayList<>(ids.size());
        Map<String, WindowEntry<M>> decoded = new HashMap<>();
        for (String id : ids) {
            WindowEntry<M> e = decoded.get(id);
            if (e == null) {
                e = known.get(id);
            }
            if (e == null) {
                SessionNode node = nodes.get(id);
                if (node == null) {
                    node = store.loadNode(id).orElse(null);
                }
                if (node == null) {
                    continue; // tombstoned by hand: the window no longer shows it
                }
                SessionNode found = node;
                M message = codec.decode(found.kind(), found.payload(), hash -> store.loadBlob(hash)
                        .orElseThrow(() -> new StoreCorruptedException("blob " + hash + " of node " + Ids.quote(found.nodeId()) + " is missing")));
                e = new WindowEntry<>(id, message, codec.encode(message));
            }
            decoded.put(id, e);
            out.add(e);
        }
        return out;
    }
}
