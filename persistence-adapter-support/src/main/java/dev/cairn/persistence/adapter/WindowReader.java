package dev.cairn.persistence.adapter;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreCorruptedException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a conversation's window from its session: the head and the window slot in one small read,
 * then, only when they changed, the window's messages from one tail read of the active path (and,
 * for pinned system messages further back, one by one). Messages already decoded are reused, so an
 * unchanged window costs one read and no decoding.
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
            long revision = head.head().revision();
            if (cached != null && cached.sameState(revision, head.head().nodeId())) {
                return Optional.of(cached);
            }
            Optional<CheckpointSlot> windowSlot = head.checkpoint().slot(slot);
            if (windowSlot.isEmpty()) {
                return Optional.of(new WindowSnapshot<>(true, revision, head.head().nodeId(), Optional.empty(), Optional.empty(), List.of()));
            }
            ContentHash hash = windowSlot.get().blob().hash();
            WindowDescription description = cached != null && cached.window().equals(Optional.of(hash)) && cached.description().isPresent()
                    ? cached.description().get() : describe(store, hash);
            Optional<List<SessionNode>> tail = tail(store, description.tail() + description.pinned().size(), revision);
            if (tail.isEmpty()) {
                continue; // a commit landed between the reads: read again
            }
            return Optional.of(new WindowSnapshot<>(true, revision, head.head().nodeId(), Optional.of(hash), Optional.of(description),
                    entries(store, description, tail.get(), cached)));
        }
        throw new PersistenceException("the conversation changed " + MAX_ROUNDS
                + " times while its window was being read; try again");
    }

    static WindowDescription describe(RuntimePersistence store, ContentHash hash) {
        return WindowDescription.decode(store.loadBlob(hash)
                .orElseThrow(() -> new StoreCorruptedException("the window slot's blob " + hash + " is missing")));
    }

    /** The last {@code count} message nodes of the active path, or fewer when the path has fewer; empty if the revision moved. */
    private Optional<List<SessionNode>> tail(RuntimePersistence store, int count, long revision) {
        if (count == 0) {
            return Optional.of(List.of());
        }
        for (int n = count + 8; ; n *= 4) {
            PersistedSessionRead r = store.loadSession(SessionReadScope.activePathTail(n)).orElse(null);
            if (r == null || r.head().revision() != revision) {
                return Optional.empty();
            }
            List<SessionNode> nodes = r.nodes();
            int messages = 0;
            for (SessionNode node : nodes) {
                if (isMessage(node.kind())) {
                    messages++;
                }
            }
            if (messages >= count || nodes.size() < n) {
                return Optional.of(nodes);
            }
        }
    }

    private boolean isMessage(NodeKind kind) {
        return codec.kinds().contains(kind) && !kind.equals(codec.systemKind());
    }

    private List<WindowEntry<M>> entries(RuntimePersistence store, WindowDescription d, List<SessionNode> tail, WindowSnapshot<M> cached) {
        Map<String, WindowEntry<M>> known = new HashMap<>();
        if (cached != null) {
            for (WindowEntry<M> e : cached.entries()) {
                known.put(e.nodeId(), e);
            }
        }
        Deque<SessionNode> messages = new ArrayDeque<>(d.tail());
        Map<String, SessionNode> byId = new HashMap<>();
        for (int i = tail.size() - 1; i >= 0; i--) {
            SessionNode node = tail.get(i);
            byId.put(node.nodeId(), node);
            if (messages.size() < d.tail() && isMessage(node.kind())) {
                messages.addFirst(node);
            }
        }
        List<WindowEntry<M>> out = new ArrayList<>(d.size());
        int p = 0;
        for (int i = 0; i < d.size(); i++) {
            SessionNode node;
            if (p < d.pinned().size() && d.pinned().get(p).position() == i) {
                String id = d.pinned().get(p++).nodeId();
                node = byId.containsKey(id) ? byId.get(id) : store.loadNode(id).orElse(null);
            } else {
                node = messages.pollFirst();
            }
            if (node != null) { // null: tombstoned by hand, or fewer messages than the window names
                WindowEntry<M> e = known.get(node.nodeId());
                out.add(e != null ? e : decoded(store, node));
            }
        }
        return out;
    }

    private WindowEntry<M> decoded(RuntimePersistence store, SessionNode node) {
        M message = codec.decode(node.kind(), node.payload(), hash -> store.loadBlob(hash)
                .orElseThrow(() -> new StoreCorruptedException("blob " + hash + " of node " + Ids.quote(node.nodeId()) + " is missing")));
        return new WindowEntry<>(node.nodeId(), message, codec.encode(message));
    }
}
