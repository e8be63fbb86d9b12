package dev.cairn.persistence.adk;

import com.google.adk.events.Event;
import com.google.adk.sessions.BaseSessionService;
import com.google.adk.sessions.GetSessionConfig;
import com.google.adk.sessions.ListEventsResponse;
import com.google.adk.sessions.ListSessionsResponse;
import com.google.adk.sessions.Session;
import com.google.adk.sessions.SessionException;
import com.google.adk.sessions.SessionNotFoundException;
import com.google.adk.sessions.State;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.adapter.ConversationWindows;
import dev.cairn.persistence.adapter.EncodedMessage.Media;
import dev.cairn.persistence.adapter.StoreHandles;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Maybe;
import io.reactivex.rxjava3.core.Single;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A Google ADK {@link BaseSessionService} on Cairn. Each ADK session (appName, userId, sessionId) is a
 * Cairn session whose active path holds its events in order, after a root node of kind
 * {@code adk.created}:
 * <ul>
 *   <li>{@link #appendEvent(Session, Event)} is one compare-and-set commit of the event's node, the
 *       session state after its delta (checkpoint slot {@code adk.state}, committed only when the
 *       delta changed it: the slot of an ancestor resolves along the path otherwise) and its token
 *       usage (by {@code modelVersion}, in the session's ledger). A {@link Session} object read before another
 *       writer appended is stale: the append fails with ADK's {@link SessionException} and writes
 *       nothing. Nothing is changed in the {@code Session} object unless the commit succeeded.</li>
 *   <li>{@code temp:} keys are never stored. {@code app:} and {@code user:} keys are shared across the
 *       app's and the user's sessions, as ADK's own services do; they live in side sessions, updated
 *       after the event's commit, idempotently by event, and repaired on the next read or append if a
 *       crash came in between: the event's commit keeps its shared deltas until then.</li>
 *   <li>Every call checks that the session belongs to the (appName, userId) it names: a session of
 *       another user or app is "not found", never returned.</li>
 *   <li>{@link #rewind(String, String, String, String)} and
 *       {@link #fork(String, String, String, String, String)} are Cairn's head move and fork.</li>
 * </ul>
 * No state is cached between calls, so several services (machines) on one {@code postgres:} store
 * see each other's writes at once; only the store handles of sessions appended to are kept (at most
 * 1,024), used for compare-and-set commits alone, and reopened when one turns out to be on a
 * session deleted since. Thread-safe.
 *
 * <pre>{@code
 * CairnSessionService sessions = CairnSessionService.open("sqlite:./.cairn-data");
 * Runner runner = new Runner(agent, "my-app", new InMemoryArtifactService(), sessions);
 * }</pre>
 */
public final class CairnSessionService implements BaseSessionService, AutoCloseable {
    /** The framework name kept in each session's {@code cairn.adapter} attribute. */
    public static final String FRAMEWORK = "adk";
    /** The model name usage is recorded under when an event names no {@code modelVersion}. */
    public static final String UNKNOWN_MODEL = "unknown";
    private static final Logger LOG = LoggerFactory.getLogger(CairnSessionService.class);

    private final SessionStoreFactory factory;
    private final boolean ownsFactory;
    private final StorePolicy policy;
    private final int maxListedSessions;
    private final SharedState shared;
    /** Handles of the sessions appended to, only for compare-and-set commits (a stale one fails and is reopened). */
    private final StoreHandles handles = new StoreHandles(MAX_HANDLES);
    private static final int MAX_HANDLES = 1024;
    /**
     * What each Session object was read at (identity: Session does not override equals): the
     * revision its next append expects, and the head and state at that revision. Only ever used
     * under compare-and-set on that revision, so it can never be served stale.
     */
    private final Map<Session, ReadAt> revisions = Collections.synchronizedMap(new WeakHashMap<>());

    /** A session as it was at a revision; {@code unapplied}: shared deltas not applied yet. */
    private record ReadAt(long revision, String head, Map<String, Object> state, Optional<SharedState.Pending> unapplied,
                          boolean clearPending) {
    }

    private CairnSessionService(Builder b) {
        this.factory = b.factory != null ? b.factory : SessionStores.open(b.location);
        this.ownsFactory = b.factory == null;
        this.policy = b.policy;
        this.maxListedSessions = b.maxListedSessions;
        this.shared = new SharedState(factory, policy);
    }

    /**
     * A service on a factory the caller owns (and closes).
     *
     * @param factory the factory, e.g. {@code SessionStores.open("sqlite:./.cairn-data")}
     * @return the service
     */
    public static CairnSessionService of(SessionStoreFactory factory) {
        return builder().factory(factory).build();
    }

    /**
     * A service on a location it opens and, on {@link #close()}, closes.
     *
     * @param location a Cairn location, e.g. {@code sqlite:./.cairn-data}, {@code postgres:...} or {@code memory:}
     * @return the service
     */
    public static CairnSessionService open(String location) {
        return builder().location(location).build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a session. An id that exists already for this (appName, userId) is an error (a
     * {@link SessionException}), never an overwrite; a null or blank id gets a random UUID. The
     * initial state is split as ADK does: {@code app:} and {@code user:} keys go to the shared state,
     * {@code temp:} keys are dropped, the rest is the session's.
     *
     * @param appName the app
     * @param userId the user
     * @param state the initial state, or null
     * @param sessionId the session id, or null for a random one
     * @return the new session (state merged with the shared state, no events)
     */
    @Override
    public Single<Session> createSession(String appName, String userId, ConcurrentMap<String, Object> state, String sessionId) {
        return Single.fromCallable(() -> create(appName, userId, state == null ? Map.of() : state, sessionId));
    }

    /**
     * As {@link #createSession(String, String, ConcurrentMap, String)}.
     *
     * @param appName the app
     * @param userId the user
     * @param state the initial state, or null
     * @param sessionId the session id, or null for a random one
     * @return the new session
     */
    @Override
    public Single<Session> createSession(String appName, String userId, Map<String, Object> state, String sessionId) {
        return Single.fromCallable(() -> create(appName, userId, state == null ? Map.of() : state, sessionId));
    }

    /**
     * Reads a session: its events on the active path (optionally the last {@code numRecentEvents},
     * and those at or after {@code afterTimestamp}), its state merged with the app's and the user's.
     * Empty when no such session exists for this (appName, userId).
     *
     * @param appName the app
     * @param userId the user
     * @param sessionId the session id
     * @param config the read options
     * @return the session, or empty
     */
    @Override
    public Maybe<Session> getSession(String appName, String userId, String sessionId, Optional<GetSessionConfig> config) {
        return Maybe.fromCallable(() -> read(appName, userId, sessionId, config.orElse(null)).orElse(null));
    }

    /**
     * The sessions of a user in an app, newest first, without events, with their state.
     *
     * @param appName the app
     * @param userId the user
     * @return the sessions
     * @throws InvalidRequestException (through the Single) past {@link Builder#maxListedSessions(int)}
     */
    @Override
    public Single<ListSessionsResponse> listSessions(String appName, String userId) {
        return Single.fromCallable(() -> ListSessionsResponse.builder().sessions(list(appName, userId)).build());
    }

    /**
     * Deletes a session and its events for good (the shared app and user state stays).
     *
     * @param appName the app
     * @param userId the user
     * @param sessionId the session id
     * @return completes, or fails with {@link SessionNotFoundException} when no such session exists
     */
    @Override
    public Completable deleteSession(String appName, String userId, String sessionId) {
        return Completable.fromAction(() -> {
            String id = sessionOf(appName, userId, sessionId);
            try (RuntimePersistence store = owned(id, appName, userId, sessionId)) {
                Objects.requireNonNull(store);
            }
            factory.deleteSession(id);
        });
    }

    /**
     * The events of a session's active path, in order, in one page.
     *
     * @param appName the app
     * @param userId the user
     * @param sessionId the session id
     * @return the events, or a {@link SessionNotFoundException}
     */
    @Override
    public Single<ListEventsResponse> listEvents(String appName, String userId, String sessionId) {
        return Single.fromCallable(() -> {
            Session s = read(appName, userId, sessionId, null).orElseThrow(() -> notFound(appName, userId, sessionId));
            return ListEventsResponse.builder().events(s.events()).build();
        });
    }

    /**
     * Appends an event: a partial event is returned untouched; any other is committed (node, state,
     * usage) under the revision the {@code Session} object was read at, then applied to the object.
     *
     * @param session a session read or created through this service
     * @param event the event
     * @return the event; fails with {@link SessionException} when the session object is stale (another
     *         writer appended since it was read) or was not read through this service, with
     *         {@link SessionNotFoundException} when the session does not exist (any more)
     */
    @Override
    public Single<Event> appendEvent(Session session, Event event) {
        return Single.fromCallable(() -> append(session, event));
    }

    /**
     * Moves the session back to before an event: the event and everything after it leave the active
     * path (they stay readable in the Cairn session's graph), and the session state is what it was
     * before the event. Shared app and user state is not rewound. Session objects read earlier become
     * stale.
     *
     * @param appName the app
     * @param userId the user
     * @param sessionId the session id
     * @param eventId an event on the session's active path
     * @return the session as it is now
     * @throws SessionNotFoundException when no such session exists
     * @throws InvalidRequestException when the event is not on the active path
     */
    public Session rewind(String appName, String userId, String sessionId, String eventId) {
        String id = sessionOf(appName, userId, sessionId);
        try (RuntimePersistence store = owned(id, appName, userId, sessionId)) {
            PersistedSessionRead path = store.loadSession(SessionReadScope.activePath()).orElseThrow(() -> notFound(appName, userId, sessionId));
            SessionNode target = onPath(path, eventId, appName, sessionId);
            String before = target.parentNodeId().orElseThrow(() -> new StoreCorruptedException("event node "
                    + target.nodeId() + " of " + id + " has no parent"));
            try {
                store.commitRuntimeState(RuntimeCommit.expecting(path.head().revision()).head(before).build());
            } catch (RevisionConflictException e) {
                throw new SessionException("Session " + sessionId + " changed while it was rewound; retry", e);
            }
        }
        return read(appName, userId, sessionId, null).orElseThrow(() -> notFound(appName, userId, sessionId));
    }

    /**
     * Forks a session at an event into a new session of the same app and user: the new one has the
     * events up to and including that event and the state after it; the two go on independently.
     *
     * @param appName the app
     * @param userId the user
     * @param sessionId the source session
     * @param eventId an event on the source's active path
     * @param newSessionId the new session's id, unused for this (appName, userId)
     * @return the new session
     * @throws SessionNotFoundException when the source does not exist
     * @throws InvalidRequestException when the event is not on the active path or the new id exists
     */
    public Session fork(String appName, String userId, String sessionId, String eventId, String newSessionId) {
        AdkIds.require("new session id", newSessionId);
        String id = sessionOf(appName, userId, sessionId);
        String target = sessionOf(appName, userId, newSessionId);
        try (RuntimePersistence store = owned(id, appName, userId, sessionId)) {
            PersistedSessionRead path = store.loadSession(SessionReadScope.activePath()).orElseThrow(() -> notFound(appName, userId, sessionId));
            SessionNode at = onPath(path, eventId, appName, sessionId);
            try (RuntimePersistence fork = factory.forkSession(new ForkRequest(id, at.nodeId(), target, policy))) {
                SessionMeta meta = fork.loadSessionMeta().orElseThrow(() -> new SessionException("fork " + target + " vanished"));
                fork.saveSessionMeta(meta.withAttribute(AdkIds.SESSION, newSessionId));
            }
        }
        return read(appName, userId, newSessionId, null).orElseThrow(() -> notFound(appName, userId, newSessionId));
    }

    /**
     * Token usage of a session, from its ledger: totals over every model call on every branch, and
     * the entries of the events on the active path.
     *
     * @param appName the app
     * @param userId the user
     * @param sessionId the session id
     * @return the ledger
     * @throws SessionNotFoundException when no such session exists
     */
    public dev.cairn.persistence.UsageLedger usage(String appName, String userId, String sessionId) {
        String id = sessionOf(appName, userId, sessionId);
        try (RuntimePersistence store = owned(id, appName, userId, sessionId)) {
            return store.loadSession(SessionReadScope.activePath()).orElseThrow(() -> notFound(appName, userId, sessionId)).usage();
        }
    }

    /**
     * The Cairn session id of an ADK session, for the {@code cairn} CLI and the core API.
     *
     * @param appName the app
     * @param userId the user
     * @param sessionId the ADK session id
     * @return the Cairn session id
     */
    public static String cairnSessionId(String appName, String userId, String sessionId) {
        return sessionOf(appName, userId, sessionId);
    }

    /** Closes the store handles it keeps, and the factory when this service opened it. */
    @Override
    public void close() {
        handles.close();
        if (ownsFactory) {
            factory.close();
        }
    }

    private Session create(String appName, String userId, Map<String, Object> state, String requestedId) {
        String sessionId = requestedId == null || requestedId.isBlank() ? UUID.randomUUID().toString() : requestedId.trim();
        String id = sessionOf(appName, userId, sessionId);
        Map<String, Object> own = StateCodec.scope(state, null);
        // unique per incarnation: a deleted and re-created session never matches a Session object of the old one
        String root = "created." + UUID.randomUUID();
        SharedState.Pending pending = SharedState.Pending.of(root, state, List.of());
        Map<String, String> attrs = new HashMap<>();
        attrs.put(ConversationWindows.ADAPTER_ATTRIBUTE, FRAMEWORK);
        attrs.put(AdkIds.APP, appName);
        attrs.put(AdkIds.USER, userId);
        attrs.put(AdkIds.SESSION, sessionId);
        try (RuntimePersistence store = factory.createStore(SessionStoreCreateRequest.of(id).withPolicy(policy).withAttributes(attrs))) {
            RuntimeCommit.Builder commit = RuntimeCommit.expecting(0)
                    .append(NewNode.root(root, EventCodec.CREATED, StateCodec.write(own)))
                    .head(root)
                    .checkpoint(SharedState.SLOT, StateCodec.write(own));
            if (!pending.isEmpty()) {
                commit.checkpoint(SharedState.PENDING, pending.toBytes());
            }
            try {
                store.commitRuntimeState(commit.build());
            } catch (RevisionConflictException e) {
                throw new SessionException("Session " + sessionId + " already exists for app " + appName + " and user "
                        + userId + "; get it with getSession or choose another id");
            }
            applyShared(id, appName, userId, pending);
        }
        return read(appName, userId, sessionId, null).orElseThrow(() -> notFound(appName, userId, sessionId));
    }

    private Optional<Session> read(String appName, String userId, String sessionId, GetSessionConfig config) {
        String id = sessionOf(appName, userId, sessionId);
        Optional<RuntimePersistence> opened = factory.openExisting(id, policy);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (RuntimePersistence store = opened.get()) {
            if (!belongs(store, appName, userId, sessionId)) {
                return Optional.empty();
            }
            Optional<Integer> recent = config == null ? Optional.empty() : config.numRecentEvents();
            SessionReadScope scope = recent.filter(n -> n >= 0 && n < Integer.MAX_VALUE - 1)
                    .map(n -> SessionReadScope.activePathTail(n + 1)).orElse(SessionReadScope.activePath());
            Optional<PersistedSessionRead> loaded = store.loadSession(scope);
            if (loaded.isEmpty() || loaded.get().head().nodeId().isEmpty()) {
                return Optional.empty(); // created, but the creating commit never landed
            }
            PersistedSessionRead r = loaded.get();
            Optional<SharedState.Pending> pending = SharedState.pending(store, r).filter(p -> !p.isEmpty());
            boolean applied = pending.map(p -> applyShared(id, appName, userId, p)).orElse(false);
            List<Event> events = new ArrayList<>();
            for (SessionNode n : r.nodes()) {
                if (!n.kind().equals(EventCodec.CREATED)) {
                    events.add(EventCodec.decode(n.nodeId(), n.payload(), h -> blob(store, h, n.nodeId())));
                }
            }
            if (recent.isPresent() && events.size() > recent.get()) {
                events = new ArrayList<>(events.subList(events.size() - Math.max(0, recent.get()), events.size()));
            }
            Optional<Instant> after = config == null ? Optional.empty() : config.afterTimestamp();
            if (after.isPresent()) {
                long from = after.get().toEpochMilli();
                events.removeIf(e -> e.timestamp() < from);
            }
            Map<String, Object> own = sessionState(store, r);
            Map<String, Object> state = new java.util.concurrent.ConcurrentHashMap<>(own);
            state.putAll(shared.read(appName, userId));
            Instant updated = r.nodes().isEmpty() ? Instant.EPOCH : r.nodes().get(r.nodes().size() - 1).createdAt();
            SessionNode last = r.nodes().get(r.nodes().size() - 1);
            if (!last.kind().equals(EventCodec.CREATED) && !events.isEmpty()) {
                updated = Instant.ofEpochMilli(events.get(events.size() - 1).timestamp());
            }
            Session session = Session.builder(sessionId).appName(appName).userId(userId).state(state)
                    .events(events).lastUpdateTime(updated).build();
            revisions.put(session, new ReadAt(r.head().revision(), r.head().nodeId().get(), own,
                    applied ? Optional.empty() : pending, applied));
            return Optional.of(session);
        }
    }

    private Event append(Session session, Event event) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(event, "event");
        if (event.partial().orElse(false)) {
            return event;
        }
        ReadAt at = revisions.get(session);
        if (at == null) {
            throw new SessionException("Session " + session.id() + " was not read or created through this CairnSessionService;"
                    + " get it with getSession before appending");
        }
        // The Session object was checked against its (appName, userId) when it was read; its Cairn id is
        // derived from that triple, and the commit below lands only on the revision and head it was read at.
        String id = sessionOf(session.appName(), session.userId(), session.id());
        if (event.id() == null || event.id().isBlank()) {
            event.setId(Event.generateEventId());
        }
        String nodeId = AdkIds.eventNode(event.id());
        EventCodec.Encoded encoded = EventCodec.encode(event);
        SharedState.Pending pending = SharedState.Pending.of(nodeId, encoded.delta(), encoded.removed());
        boolean clear = at.clearPending();
        if (at.unapplied().isPresent()) {
            if (applyShared(id, session.appName(), session.userId(), at.unapplied().get())) {
                clear = true;
            } else if (!pending.isEmpty()) {
                throw new SessionException("Session " + session.id() + ": the shared app:/user: state of an earlier event"
                        + " could not be applied yet; nothing was written, retry the step");
            }
        }
        Map<String, Object> state = StateCodec.apply(at.state(), StateCodec.scope(encoded.delta(), null),
                StateCodec.scope(encoded.removed(), null));
        RuntimeCommit.Builder commit = RuntimeCommit.expecting(at.revision());
        List<dev.cairn.persistence.BlobRef> refs = new ArrayList<>();
        for (Media m : encoded.media()) {
            refs.add(commit.attach(m.bytes(), m.mediaType()));
        }
        commit.append(NewNode.child(nodeId, at.head(), encoded.kind(), encoded.payload(),
                        refs.toArray(new dev.cairn.persistence.BlobRef[0])))
                .head(nodeId);
        if (!state.equals(at.state())) {
            // Unchanged state commits no slot: the slot resolves along the path (SPEC rule 11), so the
            // one committed at an ancestor is the state after this event too, for reads, rewinds and forks.
            commit.checkpoint(SharedState.SLOT, StateCodec.write(state));
        }
        if (!pending.isEmpty() || clear) {
            // the earlier event's shared deltas are applied: only this event's (maybe none) stay pending
            commit.checkpoint(SharedState.PENDING, pending.toBytes());
        }
        EventCodec.usage(event).ifPresent(u -> commit.usage(nodeId, modelName(event), u));
        long newRevision = commit(id, commit.build(), session, at);
        boolean applied = applyShared(id, session.appName(), session.userId(), pending);
        event.actions().stateDelta().forEach((k, v) -> {
            if (!k.startsWith(State.TEMP_PREFIX)) {
                if (v == State.REMOVED) {
                    session.state().remove(k);
                } else {
                    session.state().put(k, v);
                }
            }
        });
        session.events().add(event);
        session.lastUpdateTime(Instant.ofEpochMilli(event.timestamp()));
        revisions.put(session, new ReadAt(newRevision, nodeId, state,
                applied || pending.isEmpty() ? Optional.empty() : Optional.of(pending), applied && !pending.isEmpty()));
        return event;
    }

    /**
     * Commits an event on the session's cached handle. A cached handle may be on a session deleted
     * since (another instance deleted it, maybe created it again): its commit fails with Cairn's
     * SessionNotFoundException and wrote nothing, so the commit is redone once on a fresh handle,
     * which answers exactly as an uncached call would.
     */
    private long commit(String id, RuntimeCommit commit, Session session, ReadAt at) {
        for (int attempt = 1; ; attempt++) {
            RuntimePersistence store = handles.get(id, () -> factory.openExisting(id, policy))
                    .orElseThrow(() -> notFound(session.appName(), session.userId(), session.id()));
            try {
                return store.commitRuntimeState(commit).revision();
            } catch (RevisionConflictException e) {
                throw stale(session, at.revision(), e.actual());
            } catch (dev.cairn.persistence.SessionNotFoundException | dev.cairn.persistence.StoreClosedException e) {
                handles.forget(id, store);
                if (attempt > 1) {
                    if (e instanceof dev.cairn.persistence.StoreClosedException closed) {
                        throw closed;
                    }
                    throw notFound(session.appName(), session.userId(), session.id());
                }
            } catch (InvalidRequestException e) {
                // the head it was read at is gone: the session was deleted and created again since
                long now = store.loadSession(SessionReadScope.activePathTail(1)).map(r -> r.head().revision()).orElse(0L);
                if (store.loadNode(at.head()).isEmpty()) {
                    throw stale(session, at.revision(), now);
                }
                throw e;
            }
        }
    }

    private List<Session> list(String appName, String userId) {
        AdkIds.require("app name", appName);
        AdkIds.require("user id", userId);
        SessionQuery q = SessionQuery.all().withAttribute(ConversationWindows.ADAPTER_ATTRIBUTE, FRAMEWORK)
                .withAttribute(AdkIds.APP, appName).withAttribute(AdkIds.USER, userId).withLimit(SessionQuery.MAX_LIMIT);
        Map<String, Object> sharedState = shared.read(appName, userId);
        List<Session> out = new ArrayList<>();
        while (true) {
            SessionPage page = factory.listSessions(q);
            for (SessionMeta meta : page.sessions()) {
                String sid = meta.attributes().get(AdkIds.SESSION);
                if (sid == null || meta.attributes().containsKey(AdkIds.SCOPE)) {
                    continue;
                }
                if (out.size() >= maxListedSessions) {
                    throw new InvalidRequestException("User " + userId + " of app " + appName + " has more than "
                            + maxListedSessions + " sessions; raise CairnSessionService.Builder.maxListedSessions to list them all");
                }
                factory.openExisting(meta.sessionId(), policy).ifPresent(store -> {
                    try (store) {
                        store.loadSession(SessionReadScope.activePathTail(1)).filter(r -> r.head().nodeId().isPresent()).ifPresent(r -> {
                            Map<String, Object> state = new java.util.concurrent.ConcurrentHashMap<>(sessionState(store, r));
                            state.putAll(sharedState);
                            out.add(Session.builder(sid).appName(appName).userId(userId).state(state)
                                    .events(new ArrayList<>()).lastUpdateTime(r.nodes().get(r.nodes().size() - 1).createdAt()).build());
                        });
                    }
                });
            }
            if (page.nextCursor().isEmpty()) {
                return out;
            }
            q = q.after(page.nextCursor().get());
        }
    }

    /** Applies shared deltas; false (and a warning) when they could not be applied now. */
    private boolean applyShared(String sessionId, String appName, String userId, SharedState.Pending pending) {
        if (pending.isEmpty()) {
            return true;
        }
        try {
            shared.apply(sessionId, appName, userId, pending);
            return true;
        } catch (RuntimeException e) {
            // The event is durable and keeps its shared deltas; the next read or append applies them.
            LOG.warn("Shared app/user state of session {} not updated yet ({}); it is applied on the next read",
                    sessionId, e.getClass().getSimpleName());
            return false;
        }
    }

    private Map<String, Object> sessionState(RuntimePersistence store, PersistedSessionRead r) {
        return r.checkpoint().slot(SharedState.SLOT)
                .map(s -> StateCodec.read(Optional.of(blob(store, s.blob().hash(), "slot " + SharedState.SLOT)), store.sessionId()))
                .orElseGet(java.util.TreeMap::new);
    }

    private static byte[] blob(RuntimePersistence store, ContentHash hash, String of) {
        return store.loadBlob(hash).orElseThrow(() -> new StoreCorruptedException("blob " + hash + " of " + of + " in "
                + store.sessionId() + " is missing"));
    }

    private RuntimePersistence owned(String id, String appName, String userId, String sessionId) {
        RuntimePersistence store = factory.openExisting(id, policy).orElseThrow(() -> notFound(appName, userId, sessionId));
        if (!belongs(store, appName, userId, sessionId)) {
            store.close();
            throw notFound(appName, userId, sessionId);
        }
        return store;
    }

    private static boolean belongs(RuntimePersistence store, String appName, String userId, String sessionId) {
        return store.loadSessionMeta().map(m -> appName.equals(m.attributes().get(AdkIds.APP))
                && userId.equals(m.attributes().get(AdkIds.USER))
                && sessionId.equals(m.attributes().get(AdkIds.SESSION))
                && FRAMEWORK.equals(m.attributes().get(ConversationWindows.ADAPTER_ATTRIBUTE))).orElse(false);
    }

    private static SessionNode onPath(PersistedSessionRead path, String eventId, String appName, String sessionId) {
        Objects.requireNonNull(eventId, "eventId");
        String nodeId = AdkIds.eventNode(eventId);
        return path.nodes().stream().filter(n -> n.nodeId().equals(nodeId)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("Event " + eventId + " is not on the active path of session "
                        + sessionId + " of app " + appName));
    }

    private static String sessionOf(String appName, String userId, String sessionId) {
        AdkIds.require("app name", appName);
        AdkIds.require("user id", userId);
        AdkIds.require("session id", sessionId);
        return AdkIds.session(appName, userId, sessionId);
    }

    /** The event's model version as a ledger model name: control characters dropped, at most 200 characters. */
    private static String modelName(Event event) {
        String v = event.modelVersion().orElse("").replaceAll("\\p{Cntrl}", "").trim();
        if (v.isEmpty()) {
            return UNKNOWN_MODEL;
        }
        return v.length() > 200 ? v.substring(0, 200) : v;
    }

    private static SessionNotFoundException notFound(String appName, String userId, String sessionId) {
        return new SessionNotFoundException("Session " + sessionId + " not found for app " + appName + " and user " + userId);
    }

    private static SessionException stale(Session session, long read, long now) {
        return new SessionException("Session " + session.id() + " is stale: it was read at revision " + read
                + " but another writer has appended since (now at revision " + now + "); nothing was written."
                + " Get the session again and retry the step");
    }

    /** Builds a {@link CairnSessionService}. */
    public static final class Builder {
        private SessionStoreFactory factory;
        private String location;
        private StorePolicy policy = StorePolicy.DEFAULT;
        private int maxListedSessions = 10_000;

        private Builder() {
        }

        /**
         * Uses a factory the caller owns and closes.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder factory(SessionStoreFactory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            this.location = null;
            return this;
        }

        /**
         * Opens a location, closed with the service.
         *
         * @param location e.g. {@code sqlite:./.cairn-data}
         * @return this builder
         */
        public Builder location(String location) {
            this.location = Objects.requireNonNull(location, "location");
            this.factory = null;
            return this;
        }

        /**
         * The policy (payload and blob limits) of every session handle this opens: new, reopened and forked sessions.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder policy(StorePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * At most how many sessions {@link #listSessions(String, String)} returns before it fails
         * (default 10,000): the bound on what one call reads.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxListedSessions(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxListedSessions must be at least 1, was " + max);
            }
            this.maxListedSessions = max;
            return this;
        }

        /**
         * Builds the service.
         *
         * @return the service
         * @throws IllegalStateException when neither a factory nor a location was given
         */
        public CairnSessionService build() {
            if (factory == null && location == null) {
                throw new IllegalStateException("set a factory or a location");
            }
            return new CairnSessionService(this);
        }
    }
}
