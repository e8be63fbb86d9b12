package dev.cairn.persistence.adapter;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One planned update of a window: the commit that turns the stored window into the incoming one by
 * appending (never deleting), and the snapshot that holds once it is committed.
 *
 * <p>New node ids are {@code m<revision>.<i>.<tag>}: the revision the commit creates, the message's
 * place among the new ones, and a tag of the session id. Revisions only grow within a session, so ids
 * never repeat in it; the tag keeps a fork's new nodes apart from the ones it copied from its source.
 */
final class WindowUpdate<M> {
    static final byte[] RESET_MARKER = "{\"cairn\":\"window-reset\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] CLEAR_MARKER = "{\"cairn\":\"window-cleared\"}".getBytes(StandardCharsets.UTF_8);

    private final RuntimeCommit commit;
    private final WindowSnapshot<M> before;
    private final WindowDescription description;
    private final List<WindowEntry<M>> after;
    private final List<PendingUsage.Entry> usage;
    private final boolean append;
    private final List<String> evicted;

    private WindowUpdate(RuntimeCommit commit, WindowSnapshot<M> before, WindowDescription description, List<WindowEntry<M>> after,
                         List<PendingUsage.Entry> usage, boolean append, List<String> evicted) {
        this.commit = commit;
        this.before = before;
        this.description = description;
        this.after = after;
        this.usage = usage;
        this.append = append;
        this.evicted = evicted;
    }

    private static <M> WindowUpdate<M> nothing(List<WindowEntry<M>> after) {
        return new WindowUpdate<>(null, null, null, after, List.of(), false, List.of());
    }

    /**
     * Plans the update of {@code snapshot} to {@code incoming}.
     *
     * @param sessionId the session
     * @param tag the session's part of new node ids
     * @param slot the window slot
     * @param snapshot the stored state
     * @param incoming the framework's window, encoded
     * @param messages the framework's messages, in the same order
     * @param pending usage waiting for its response
     * @param known the plan when it was found by identity ({@link IdentityPlan}), or null to align by content
     */
    static <M> WindowUpdate<M> plan(String sessionId, String tag, String slot, WindowSnapshot<M> snapshot,
                                    List<EncodedMessage> incoming, List<M> messages, PendingUsage pending, WindowPlan known) {
        List<WindowEntry<M>> stored = snapshot.entries();
        WindowPlan plan = known != null ? known : align(stored, incoming);
        long next = snapshot.revision() + 1;
        RuntimeCommit.Builder b = RuntimeCommit.expecting(snapshot.revision());
        Optional<String> parent = switch (plan.mode()) {
            case APPEND -> snapshot.head();
            case BRANCH -> Optional.of(stored.get(plan.branchAfter()).nodeId());
            case RESET -> {
                String marker = "m" + next + ".r." + tag;
                b.append(NewNode.of(marker, snapshot.head(), NodeKind.MODE_EVENT, RESET_MARKER));
                yield Optional.of(marker);
            }
        };
        Optional<String> head = plan.mode() == WindowPlan.Mode.APPEND ? snapshot.head() : parent;
        List<WindowEntry<M>> after = new ArrayList<>(incoming.size());
        List<String> newResponseIds = new ArrayList<>();
        List<Object> newResponses = new ArrayList<>();
        int n = 0;
        boolean[] reused = new boolean[stored.size()];
        for (int i = 0; i < incoming.size(); i++) {
            int source = plan.sources().get(i);
            if (source != WindowPlan.NEW) {
                reused[source] = true;
                WindowEntry<M> s = stored.get(source);
                after.add(new WindowEntry<>(s.nodeId(), messages.get(i), s.encoded()));
                continue;
            }
            EncodedMessage e = incoming.get(i);
            String id = "m" + next + "." + (n++) + "." + tag;
            List<BlobRef> refs = new ArrayList<>(e.media().size());
            for (EncodedMessage.Media m : e.media()) {
                refs.add(b.attach(m.bytes(), m.mediaType()));
            }
            b.append(NewNode.of(id, parent, e.kind(), e.payloadUnsafe(), refs.toArray(BlobRef[]::new)));
            parent = Optional.of(id);
            head = parent;
            after.add(new WindowEntry<>(id, messages.get(i), e));
            if (e.assistant()) {
                newResponseIds.add(id);
                newResponses.add(messages.get(i));
            }
        }
        WindowDescription description = WindowDescription.of(after);
        boolean headMoves = !head.equals(snapshot.head());
        // The slot is relative to the head: an append that keeps its description needs none. A branch
        // leaves the path the current slot was resolved on, so it always commits one.
        boolean writeSlot = plan.mode() == WindowPlan.Mode.BRANCH || snapshot.description().isEmpty()
                || !snapshot.description().get().equals(description);
        if (n == 0 && !headMoves && !writeSlot) {
            return nothing(after);
        }
        if (head.isEmpty()) {
            return nothing(after); // nothing stored yet and nothing to store
        }
        if (headMoves) {
            b.head(head.get());
        }
        if (writeSlot) {
            b.checkpoint(slot, description.encode());
        }
        List<PendingUsage.Entry> usage = pending.match(sessionId, newResponses);
        for (int i = 0; i < usage.size(); i++) {
            PendingUsage.Entry u = usage.get(i);
            if (u != null) {
                b.usage(newResponseIds.get(i), u.model(), u.tokens());
            }
        }
        List<String> evicted = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            if (!reused[i]) {
                evicted.add(stored.get(i).nodeId());
            }
        }
        return new WindowUpdate<>(b.build(), snapshot, description, after, usage, plan.mode() == WindowPlan.Mode.APPEND, evicted);
    }

    /**
     * An update that archives the window: a marker under the head, and an empty window.
     *
     * @param tag the session's part of new node ids
     * @param slot the window slot
     * @param snapshot the stored state
     */
    static <M> WindowUpdate<M> clear(String tag, String slot, WindowSnapshot<M> snapshot) {
        if (snapshot.head().isEmpty() || snapshot.entries().isEmpty()) {
            return nothing(List.of());
        }
        String marker = "m" + (snapshot.revision() + 1) + ".c." + tag;
        RuntimeCommit c = RuntimeCommit.expecting(snapshot.revision())
                .append(NewNode.of(marker, snapshot.head(), NodeKind.MODE_EVENT, CLEAR_MARKER))
                .head(marker)
                .checkpoint(slot, WindowDescription.EMPTY.encode())
                .build();
        return new WindowUpdate<>(c, snapshot, WindowDescription.EMPTY, List.of(), List.of(), false, List.of());
    }

    boolean isNoop() {
        return commit == null;
    }

    /**
     * The same change on top of another writer's newer window, if this update only appended (and
     * evicted from the front): that window without what this one evicted, plus what this one added.
     * A rewrite cannot be carried over; it is planned again from the framework's list.
     *
     * @param newer the newer stored window
     * @return the list to store instead, or empty
     */
    Optional<List<M>> rebase(WindowSnapshot<M> newer, List<M> incoming) {
        if (!append) {
            return Optional.empty();
        }
        java.util.Set<String> gone = new java.util.HashSet<>(evicted);
        List<M> out = new ArrayList<>();
        for (WindowEntry<M> e : newer.entries()) {
            if (!gone.contains(e.nodeId())) {
                out.add(e.message());
            }
        }
        for (int i = 0; i < after.size(); i++) {
            if (isNew(after.get(i))) { // the conflicting commit wrote nothing, so its new messages are still new
                out.add(incoming.get(i));
            }
        }
        return Optional.of(out);
    }

    private boolean isNew(WindowEntry<M> e) {
        for (NewNode n : commit.nodes()) {
            if (n.nodeId().equals(e.nodeId())) {
                return true;
            }
        }
        return false;
    }

    RuntimeCommit commit() {
        return commit;
    }

    List<PendingUsage.Entry> usage() {
        return usage;
    }

    WindowSnapshot<M> after(RuntimeCommitResult result) {
        BlobRef written = commit.checkpoint().values().stream().findFirst().orElse(null);
        Optional<ContentHash> window = written != null ? Optional.of(written.hash()) : before.window();
        return new WindowSnapshot<>(true, result.revision(), result.head(), window, Optional.of(description), after);
    }

    /** Aligns by content: equal encodings are equal messages ({@link WindowAligner}). */
    private static <M> WindowPlan align(List<WindowEntry<M>> stored, List<EncodedMessage> incoming) {
        Map<EncodedMessage, Long> dictionary = new HashMap<>(4 * (stored.size() + incoming.size()) / 3 + 2);
        long[] storedKeys = new long[stored.size()];
        boolean[] storedSystem = new boolean[stored.size()];
        for (int i = 0; i < stored.size(); i++) {
            storedKeys[i] = key(dictionary, stored.get(i).encoded());
            storedSystem[i] = stored.get(i).encoded().system();
        }
        long[] inKeys = new long[incoming.size()];
        boolean[] inSystem = new boolean[incoming.size()];
        for (int i = 0; i < incoming.size(); i++) {
            inKeys[i] = key(dictionary, incoming.get(i));
            inSystem[i] = incoming.get(i).system();
        }
        return WindowAligner.align(storedKeys, storedSystem, inKeys, inSystem);
    }

    private static long key(Map<EncodedMessage, Long> dictionary, EncodedMessage e) {
        return dictionary.computeIfAbsent(e, k -> (long) dictionary.size());
    }
}
