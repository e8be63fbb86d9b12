package dev.cairn.persistence.adk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.adapter.ConversationWindows;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ADK's {@code app:} and {@code user:} state, each in a side session of its own ({@code adkapp:...},
 * {@code adkuser:...}): one node per delta, named after the event that brought it, and the merged
 * map in checkpoint slot {@value #SLOT}. Applying a delta is compare-and-set and idempotent by that
 * node id, so it can be repeated after a crash: the session's own commit keeps the deltas it has not
 * yet seen applied in slot {@value #PENDING}, and every read or append applies them again if needed.
 */
final class SharedState {
    static final String SLOT = "adk.state";
    static final String PENDING = "adk.shared";
    static final NodeKind DELTA = NodeKind.of("adk.state_delta");
    private static final int MAX_TRIES = 20;

    private final SessionStoreFactory factory;
    private final StorePolicy policy;

    SharedState(SessionStoreFactory factory, StorePolicy policy) {
        this.factory = factory;
        this.policy = policy;
    }

    /** The shared deltas of one event, as kept in the session's {@value #PENDING} slot. */
    record Pending(String node, Map<String, Object> app, List<String> appRemoved, Map<String, Object> user,
                   List<String> userRemoved) {
        @com.fasterxml.jackson.annotation.JsonIgnore
        boolean isEmpty() {
            return app.isEmpty() && appRemoved.isEmpty() && user.isEmpty() && userRemoved.isEmpty();
        }

        static Pending of(String node, Map<String, Object> delta, List<String> removed) {
            return new Pending(node, StateCodec.scope(delta, com.google.adk.sessions.State.APP_PREFIX),
                    StateCodec.scope(removed, com.google.adk.sessions.State.APP_PREFIX),
                    StateCodec.scope(delta, com.google.adk.sessions.State.USER_PREFIX),
                    StateCodec.scope(removed, com.google.adk.sessions.State.USER_PREFIX));
        }

        byte[] toBytes() {
            try {
                return EventCodec.mapper().writeValueAsBytes(this);
            } catch (IOException e) {
                throw new dev.cairn.persistence.InvalidRequestException("ADK state cannot be written as JSON: " + e.getMessage());
            }
        }

        static Pending fromBytes(byte[] bytes, String where) {
            try {
                return EventCodec.mapper().readValue(bytes, Pending.class);
            } catch (IOException e) {
                throw new dev.cairn.persistence.StoreCorruptedException("the pending shared state of " + where
                        + " cannot be read: " + e.getMessage());
            }
        }
    }

    /** Applies what a session's pending slot names, where not applied yet. */
    void apply(String sourceSessionId, String app, String user, Pending p) {
        if (!p.app().isEmpty() || !p.appRemoved().isEmpty()) {
            apply(AdkIds.appState(app), Map.of(AdkIds.APP, app, AdkIds.SCOPE, "app"),
                    AdkIds.deltaNode(sourceSessionId, p.node()), p.app(), p.appRemoved());
        }
        if (!p.user().isEmpty() || !p.userRemoved().isEmpty()) {
            apply(AdkIds.userState(app, user), Map.of(AdkIds.APP, app, AdkIds.USER, user, AdkIds.SCOPE, "user"),
                    AdkIds.deltaNode(sourceSessionId, p.node()), p.user(), p.userRemoved());
        }
    }

    /** The app's and the user's shared state, merged (keys keep their prefixes). */
    Map<String, Object> read(String app, String user) {
        Map<String, Object> out = new java.util.TreeMap<>(read(AdkIds.appState(app)));
        out.putAll(read(AdkIds.userState(app, user)));
        return out;
    }

    private Map<String, Object> read(String sessionId) {
        Optional<RuntimePersistence> opened = factory.openExisting(sessionId, policy);
        if (opened.isEmpty()) {
            return Map.of();
        }
        try (RuntimePersistence store = opened.get()) {
            return store.loadSession(SessionReadScope.activePathTail(1))
                    .flatMap(r -> r.checkpoint().slot(SLOT))
                    .map(s -> StateCodec.read(store.loadBlob(s.blob().hash()), sessionId))
                    .orElseGet(java.util.TreeMap::new);
        }
    }

    private void apply(String sessionId, Map<String, String> attributes, String nodeId, Map<String, Object> delta,
                       List<String> removed) {
        Map<String, String> attrs = new java.util.HashMap<>(attributes);
        attrs.put(ConversationWindows.ADAPTER_ATTRIBUTE, CairnSessionService.FRAMEWORK);
        try (RuntimePersistence store = factory.createStore(SessionStoreCreateRequest.of(sessionId).withPolicy(policy)
                .withAttributes(attrs))) {
            for (int attempt = 1; ; attempt++) {
                if (store.loadNode(nodeId).isPresent()) {
                    return; // applied before: by an earlier try, or by the append itself before a crash
                }
                PersistedSessionRead read = store.loadSession(SessionReadScope.activePathTail(1)).orElseThrow();
                Map<String, Object> current = read.checkpoint().slot(SLOT)
                        .map(s -> StateCodec.read(store.loadBlob(s.blob().hash()), sessionId))
                        .orElseGet(java.util.TreeMap::new);
                ObjectNode payload = EventCodec.mapper().createObjectNode();
                payload.set("delta", EventCodec.mapper().valueToTree(delta));
                payload.set("removed", EventCodec.mapper().valueToTree(removed));
                byte[] bytes = payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                Optional<String> head = read.head().nodeId();
                try {
                    store.commitRuntimeState(RuntimeCommit.expecting(read.head().revision())
                            .append(NewNode.of(nodeId, head, DELTA, bytes))
                            .head(nodeId)
                            .checkpoint(SLOT, StateCodec.write(StateCodec.apply(current, delta, removed)))
                            .build());
                    return;
                } catch (RevisionConflictException e) {
                    if (attempt >= MAX_TRIES) {
                        throw e;
                    }
                }
            }
        }
    }

    static Optional<Pending> pending(RuntimePersistence store, PersistedSessionRead read) {
        Optional<CheckpointSlot> slot = read.checkpoint().slot(PENDING);
        return slot.map(s -> Pending.fromBytes(store.loadBlob(s.blob().hash()).orElseThrow(
                () -> new dev.cairn.persistence.StoreCorruptedException("blob " + s.blob().hash() + " of slot " + PENDING
                        + " in " + store.sessionId() + " is missing")), store.sessionId()));
    }
}
