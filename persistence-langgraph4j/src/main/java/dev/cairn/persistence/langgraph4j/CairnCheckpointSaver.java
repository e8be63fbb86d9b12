package dev.cairn.persistence.langgraph4j;

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
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.adapter.ConversationWindows;
import dev.cairn.persistence.adapter.FrameworkIds;
import dev.cairn.persistence.adapter.StoreHandles;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.serializer.StateSerializer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A LangGraph4j {@link BaseCheckpointSaver} on Cairn (the four-method interface of LangGraph4j
 * 1.6: {@code list}, {@code get}, {@code put}, {@code release}). Each thread is a Cairn session
 * ({@code lg4j:<thread id>}) whose active path holds its checkpoints in order:
 * <ul>
 *   <li>a checkpoint is a node of kind {@code lg4j.checkpoint} whose payload names the content hash
 *       of its state; the state, as the configured {@link StateSerializer} writes it, is a blob in
 *       checkpoint slot {@code lg4j.state}, committed with the node when the state changed. An
 *       unchanged state commits neither slot nor blob: the parent's slot resolves along the path
 *       and holds the same bytes;</li>
 *   <li>{@link #put(RunnableConfig, Checkpoint)} is one compare-and-set commit. With a checkpoint id
 *       in the config (time travel: {@code updateState}) it appends a sibling of that checkpoint and
 *       moves the head there: the replaced checkpoint, and any after it, stay on the abandoned
 *       branch instead of being overwritten;</li>
 *   <li>{@link #release(RunnableConfig)} forks the thread into a released version
 *       ({@link #releasedVersions(String)}, {@link #released(String, int)}), then deletes the live
 *       thread, which starts empty on the next {@code put};</li>
 *   <li>no checkpoint is cached: list and get read the store, so several savers (machines) on one
 *       {@code postgres:} store see each other's checkpoints at once, and concurrent puts on one
 *       thread all land, each on the head the other left (a put starts from the head this saver
 *       last wrote, as a guess that compare-and-set checks; the store handles of threads put to are
 *       kept, at most 1,024, and a handle on a thread released since fails and is reopened).</li>
 * </ul>
 * Thread-safe.
 *
 * <pre>{@code
 * CairnCheckpointSaver saver = CairnCheckpointSaver.builder().location("sqlite:./.cairn-data")
 *         .serializer(graph.getStateSerializer()).build();
 * CompiledGraph<MyState> app = graph.compile(CompileConfig.builder().checkpointSaver(saver).build());
 * }</pre>
 */
public final class CairnCheckpointSaver implements BaseCheckpointSaver, AutoCloseable {
    /** The framework name kept in each session's {@code cairn.adapter} attribute. */
    public static final String FRAMEWORK = "langgraph4j";
    /** The checkpoint slot that holds the state at the head. */
    public static final String STATE_SLOT = "lg4j.state";
    static final String RELEASED = "lg4j.released";
    static final String VERSION = "lg4j.version";
    private static final FrameworkIds LIVE = new FrameworkIds("lg4j");
    private static final FrameworkIds RELEASES = new FrameworkIds("lg4jr");

    private final SessionStoreFactory factory;
    private final boolean ownsFactory;
    private final StorePolicy policy;
    private final CheckpointCodec codec;
    private final int maxTries;
    /**
     * The revision and head this saver last wrote per thread: only a guess for the next put's
     * compare-and-set (a wrong guess fails the commit and the head is read again), never returned by
     * list or get. Bounded: the least recently used threads are forgotten.
     */
    private final Map<String, Head> heads = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Head> eldest) {
            return size() > MAX_HEADS;
        }
    });
    private static final int MAX_HEADS = 4096;
    /** Handles of the threads put to, only for compare-and-set commits (a stale one fails and is reopened). */
    private final StoreHandles handles = new StoreHandles(1024);

    /** A thread's head as this saver last wrote it, with the content hash of its state (when known). */
    private record Head(long revision, Optional<String> nodeId, Optional<ContentHash> state) {
    }

    /** The state hash of a checkpoint node; empty for a node of another kind (never one of ours). */
    private static Optional<ContentHash> stateOf(SessionNode node) {
        return node.kind().equals(CheckpointCodec.KIND) ? CheckpointCodec.stateHash(node) : Optional.empty();
    }

    private CairnCheckpointSaver(Builder b) {
        this.factory = b.factory != null ? b.factory : SessionStores.open(b.location);
        this.ownsFactory = b.factory == null;
        this.policy = b.policy;
        this.codec = new CheckpointCodec(b.serializer);
        this.maxTries = b.maxTries;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The checkpoints of the thread's active path, newest first.
     *
     * @param config names the thread ({@value #THREAD_ID_DEFAULT} when it names none)
     * @return the checkpoints; empty for an unknown or released thread
     */
    @Override
    public Collection<Checkpoint> list(RunnableConfig config) {
        return checkpoints(liveId(threadId(config)));
    }

    /**
     * A checkpoint of the thread's active path: the one with the config's checkpoint id (the newest
     * with that id), else the newest.
     *
     * @param config names the thread and optionally the checkpoint
     * @return the checkpoint, or empty
     */
    @Override
    public Optional<Checkpoint> get(RunnableConfig config) {
        Optional<RuntimePersistence> opened = factory.openExisting(liveId(threadId(config)), policy);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (RuntimePersistence store = opened.get()) {
            if (config.checkPointId().isPresent()) {
                return store.loadSession(SessionReadScope.activePath())
                        .flatMap(r -> find(r, config.checkPointId().get())).map(n -> codec.decode(store, n));
            }
            return store.loadSession(SessionReadScope.activePathTail(1))
                    .flatMap(r -> r.nodes().isEmpty() ? Optional.empty() : Optional.of(r.nodes().get(r.nodes().size() - 1)))
                    .map(n -> codec.decode(store, n));
        }
    }

    /**
     * Stores a checkpoint: appended after the head, or, when the config names a checkpoint id, as a
     * sibling of that checkpoint (the old one stays on the abandoned branch); the head moves to it.
     * A concurrent put on the same thread is not lost: this one is redone on the new head (at most
     * {@link Builder#maxTries(int)} times).
     *
     * @param config names the thread and optionally the checkpoint replaced
     * @param checkpoint the checkpoint
     * @return the config with the checkpoint's id
     * @throws NoSuchElementException when the config names a checkpoint id the thread's active path lacks
     * @throws RevisionConflictException when other writers won every try
     */
    @Override
    public RunnableConfig put(RunnableConfig config, Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        String threadId = threadId(config);
        String liveId = liveId(threadId);
        byte[] state = codec.state(checkpoint);
        ContentHash stateHash = ContentHash.of(state);
        byte[] payload = codec.payload(checkpoint, stateHash);
        Map<String, String> attrs = new HashMap<>();
        attrs.put(ConversationWindows.ADAPTER_ATTRIBUTE, FRAMEWORK);
        attrs.put(LIVE.idAttribute(), threadId);
        SessionStoreCreateRequest create = SessionStoreCreateRequest.of(liveId).withPolicy(policy).withAttributes(attrs);
        Head guess = config.checkPointId().isPresent() ? null : heads.get(liveId);
        for (int attempt = 1; ; attempt++) {
            RuntimePersistence store = handles.get(liveId, () -> Optional.of(factory.createStore(create))).orElseThrow();
            try {
                Head at;
                Optional<String> parent;
                Optional<ContentHash> parentState;
                if (config.checkPointId().isPresent()) {
                    PersistedSessionRead r = read(store, SessionReadScope.activePath());
                    SessionNode replaced = find(r, config.checkPointId().get()).orElseThrow(() -> new NoSuchElementException(
                            "Checkpoint with id " + config.checkPointId().get() + " not found in thread " + threadId));
                    at = new Head(r.head().revision(), r.head().nodeId(), Optional.empty());
                    parent = replaced.parentNodeId();
                    parentState = parent.flatMap(id -> r.nodes().stream().filter(n -> n.nodeId().equals(id)).findFirst())
                            .flatMap(CairnCheckpointSaver::stateOf);
                } else if (guess != null) {
                    at = guess;
                    parent = guess.nodeId();
                    parentState = guess.state();
                } else {
                    PersistedSessionRead r = read(store, SessionReadScope.activePathTail(1));
                    at = new Head(r.head().revision(), r.head().nodeId(), Optional.empty());
                    parent = at.nodeId();
                    parentState = r.nodes().isEmpty() ? Optional.empty() : stateOf(r.nodes().get(r.nodes().size() - 1));
                }
                String nodeId = "cp." + UUID.randomUUID();
                RuntimeCommit.Builder commit = RuntimeCommit.expecting(at.revision())
                        .append(new NewNode(nodeId, parent, CheckpointCodec.KIND, payload, List.of())).head(nodeId);
                if (!parentState.equals(Optional.of(stateHash))) {
                    // An unchanged state commits no slot and no blob: the parent's slot resolves along the
                    // path (SPEC rule 11) and its blob is the one the payload names.
                    commit.checkpoint(STATE_SLOT, state);
                }
                long revision = store.commitRuntimeState(commit.build()).revision();
                heads.put(liveId, new Head(revision, Optional.of(nodeId), Optional.of(stateHash)));
                return RunnableConfig.builder(config).checkPointId(checkpoint.getId()).build();
            } catch (dev.cairn.persistence.SessionNotFoundException | dev.cairn.persistence.StoreClosedException e) {
                // the kept handle is on a thread released (deleted) since, or was closed: the next try opens
                // (or creates) the thread anew; nothing was written
                handles.forget(liveId, store);
                guess = null;
                heads.remove(liveId);
                if (attempt >= maxTries) {
                    throw e;
                }
            } catch (RevisionConflictException | InvalidRequestException e) {
                // another writer moved the head (or deleted and re-created the thread): read it again
                boolean guessed = guess != null;
                guess = null;
                heads.remove(liveId);
                if (!guessed && (e instanceof InvalidRequestException || attempt >= maxTries)) {
                    throw e;
                }
            }
        }
    }

    /** A read of the thread; a handle on a thread deleted since reads empty, and is then treated as one that fails. */
    private static PersistedSessionRead read(RuntimePersistence store, SessionReadScope scope) {
        return store.loadSession(scope).orElseThrow(() -> new dev.cairn.persistence.SessionNotFoundException(store.sessionId()));
    }

    /**
     * Releases a thread: its session is forked into the next released version (readable with
     * {@link #released(String, int)}), then deleted, so the thread starts empty on the next put. Not
     * atomic: a crash between the two steps leaves the thread live, and releasing again makes one
     * more version.
     *
     * @param config names the thread
     * @return the thread id and the released checkpoints, newest first (none for an unknown thread)
     */
    @Override
    public Tag release(RunnableConfig config) {
        String threadId = threadId(config);
        String liveId = liveId(threadId);
        Optional<RuntimePersistence> opened = factory.openExisting(liveId, policy);
        if (opened.isEmpty()) {
            return new Tag(threadId, List.of());
        }
        List<Checkpoint> released;
        try (RuntimePersistence store = opened.get()) {
            PersistedSessionRead r = store.loadSession(SessionReadScope.activePath()).orElse(null);
            if (r == null) {
                return new Tag(threadId, List.of());
            }
            released = decodeNewestFirst(store, r);
            if (r.head().nodeId().isPresent()) {
                fork(store, threadId, liveId, r.head().nodeId().get());
            }
        }
        factory.deleteSession(liveId);
        heads.remove(liveId);
        return new Tag(threadId, released);
    }

    /**
     * The released versions of a thread, oldest first (1, 2, ...).
     *
     * @param threadId the thread
     * @return the versions
     */
    public List<Integer> releasedVersions(String threadId) {
        Objects.requireNonNull(threadId, "threadId");
        return new ArrayList<>(versions(liveId(threadId)));
    }

    /**
     * A released version of a thread, as {@link #release(RunnableConfig)} returned it.
     *
     * @param threadId the thread
     * @param version a version from {@link #releasedVersions(String)}
     * @return its checkpoints, newest first, or empty for an unknown version
     */
    public Optional<Tag> released(String threadId, int version) {
        Objects.requireNonNull(threadId, "threadId");
        String id = releasedId(threadId, version);
        Optional<RuntimePersistence> opened = factory.openExisting(id, policy);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (RuntimePersistence store = opened.get()) {
            return store.loadSession(SessionReadScope.activePath()).map(r -> new Tag(threadId, decodeNewestFirst(store, r)));
        }
    }

    /**
     * The Cairn session id of a thread, for the {@code cairn} CLI and the core API (the full graph,
     * with abandoned time-travel branches, is there).
     *
     * @param threadId the thread
     * @return the session id
     */
    public static String cairnSessionId(String threadId) {
        return LIVE.sessionId(threadId);
    }

    /** Closes the store handles it keeps, and the factory when this saver opened it. */
    @Override
    public void close() {
        handles.close();
        if (ownsFactory) {
            factory.close();
        }
    }

    private void fork(RuntimePersistence store, String threadId, String liveId, String head) {
        for (int attempt = 1; ; attempt++) {
            int version = versions(liveId).stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            // The version goes on the live session first, so the fork carries it even if it is left half-made.
            SessionMeta meta = store.loadSessionMeta().orElseThrow();
            store.saveSessionMeta(meta.withAttribute(VERSION, Integer.toString(version)));
            String target = releasedId(threadId, version);
            try (RuntimePersistence fork = factory.forkSession(new ForkRequest(liveId, head, target, policy))) {
                SessionMeta forked = fork.loadSessionMeta().orElseThrow();
                fork.saveSessionMeta(forked.withAttribute(RELEASED, "true").withAttribute(VERSION, Integer.toString(version)));
                return;
            } catch (InvalidRequestException e) {
                if (attempt >= maxTries || factory.openExisting(target, policy).isEmpty()) {
                    throw e; // not "the version exists": a real error
                }
                // another saver released this thread concurrently and took the version: take the next one
            }
        }
    }

    private TreeSet<Integer> versions(String liveId) {
        TreeSet<Integer> out = new TreeSet<>();
        SessionQuery q = SessionQuery.all().withParent(liveId).withLimit(SessionQuery.MAX_LIMIT);
        while (true) {
            SessionPage page = factory.listSessions(q);
            for (SessionMeta m : page.sessions()) {
                String v = m.attributes().get(VERSION);
                if (v != null && m.sessionId().startsWith("lg4jr:")) {
                    try {
                        out.add(Integer.parseInt(v));
                    } catch (NumberFormatException e) {
                        // not one of ours
                    }
                }
            }
            if (page.nextCursor().isEmpty()) {
                return out;
            }
            q = q.after(page.nextCursor().get());
        }
    }

    private List<Checkpoint> checkpoints(String sessionId) {
        Optional<RuntimePersistence> opened = factory.openExisting(sessionId, policy);
        if (opened.isEmpty()) {
            return List.of();
        }
        try (RuntimePersistence store = opened.get()) {
            return store.loadSession(SessionReadScope.activePath()).map(r -> decodeNewestFirst(store, r)).orElse(List.of());
        }
    }

    private List<Checkpoint> decodeNewestFirst(RuntimePersistence store, PersistedSessionRead r) {
        List<Checkpoint> out = new ArrayList<>();
        for (int i = r.nodes().size() - 1; i >= 0; i--) {
            SessionNode n = r.nodes().get(i);
            if (n.kind().equals(CheckpointCodec.KIND)) {
                out.add(codec.decode(store, n));
            }
        }
        return out;
    }

    private static Optional<SessionNode> find(PersistedSessionRead r, String checkpointId) {
        for (int i = r.nodes().size() - 1; i >= 0; i--) {
            SessionNode n = r.nodes().get(i);
            if (n.kind().equals(CheckpointCodec.KIND) && checkpointId.equals(CheckpointCodec.checkpointId(n))) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    private static String threadId(RunnableConfig config) {
        Objects.requireNonNull(config, "config");
        return config.threadId().orElse(THREAD_ID_DEFAULT);
    }

    private static String liveId(String threadId) {
        return LIVE.sessionId(threadId);
    }

    private static String releasedId(String threadId, int version) {
        return RELEASES.sessionId(version + "." + threadId);
    }

    /** Builds a {@link CairnCheckpointSaver}. */
    public static final class Builder {
        private SessionStoreFactory factory;
        private String location;
        private StateSerializer<?> serializer;
        private StorePolicy policy = StorePolicy.DEFAULT;
        private int maxTries = 10;

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
         * Opens a location, closed with the saver.
         *
         * @param location e.g. {@code sqlite:./.cairn-data} or {@code postgres:...}
         * @return this builder
         */
        public Builder location(String location) {
            this.location = Objects.requireNonNull(location, "location");
            this.factory = null;
            return this;
        }

        /**
         * The serializer of checkpoint states, e.g. {@code graph.getStateSerializer()} (required).
         *
         * @param serializer the serializer
         * @return this builder
         */
        public Builder serializer(StateSerializer<?> serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
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
         * How many times a put or release is redone after another writer changed the thread (default 10).
         *
         * @param tries at least 1
         * @return this builder
         */
        public Builder maxTries(int tries) {
            if (tries < 1) {
                throw new IllegalArgumentException("maxTries must be at least 1, was " + tries);
            }
            this.maxTries = tries;
            return this;
        }

        /**
         * Builds the saver.
         *
         * @return the saver
         * @throws IllegalStateException without a serializer, or without a factory or location
         */
        public CairnCheckpointSaver build() {
            if (serializer == null) {
                throw new IllegalStateException("set the state serializer, e.g. serializer(graph.getStateSerializer())");
            }
            if (factory == null && location == null) {
                throw new IllegalStateException("set a factory or a location");
            }
            return new CairnCheckpointSaver(this);
        }
    }
}
