package dev.cairn.persistence.adapter;

import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.TokenUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A framework's conversations on Cairn sessions, for frameworks whose store is handed the whole
 * window after every change. Each update becomes appends on the session's active path (see
 * {@link WindowAligner}); the window itself is a checkpoint slot committed at the head, so reading it
 * costs O(window) and nothing is ever deleted by an update. Every write is a compare-and-set; on a
 * conflict the update is aligned again with what the other writer stored and retried (or, strict,
 * thrown). Thread-safe.
 *
 * @param <M> the framework's message type
 */
public final class ConversationWindows<M> implements AutoCloseable {
    /** The session attribute naming the framework whose adapter created the session. */
    public static final String ADAPTER_ATTRIBUTE = "cairn.adapter";

    private static final Logger LOG = LoggerFactory.getLogger(ConversationWindows.class);

    private final SessionStoreFactory factory;
    private final boolean ownsFactory;
    private final WindowSettings settings;
    private final MessageCodec<M> codec;
    private final String slot;
    private final WindowReader<M> reader;
    private final PendingUsage pending = new PendingUsage();
    private final Map<String, Conversation<M>> conversations;
    /**
     * Per thread, the snapshot each conversation was last read or written at by that thread: the
     * base of that thread's next update. A framework reads the window, changes it and stores it on one
     * thread; if another writer got in between, the compare-and-set against this base fails and the
     * change is carried over, instead of being aligned against a window the framework never saw.
     */
    private final ThreadLocal<Map<String, WindowSnapshot<M>>> bases = ThreadLocal.withInitial(() -> new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WindowSnapshot<M>> eldest) {
            return size() > 32;
        }
    });

    /**
     * @param factory the sessions' factory
     * @param ownsFactory whether {@link #close()} closes the factory
     * @param settings the settings
     * @param codec the framework's codec
     */
    public ConversationWindows(SessionStoreFactory factory, boolean ownsFactory, WindowSettings settings, MessageCodec<M> codec) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.ownsFactory = ownsFactory;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.slot = settings.ids().prefix() + ".window";
        this.reader = new WindowReader<>(codec, slot);
        int capacity = settings.cachedConversations();
        this.conversations = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Conversation<M>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** @return the factory the conversations live in */
    public SessionStoreFactory factory() {
        return factory;
    }

    /** @return the settings */
    public WindowSettings settings() {
        return settings;
    }

    /**
     * The session id of a conversation.
     *
     * @param conversationId the framework's id
     * @return the session id
     */
    public String sessionId(String conversationId) {
        return settings.ids().sessionId(conversationId);
    }

    /**
     * The conversation's current window, as the framework last stored it; empty for an unknown one.
     *
     * @param conversationId the framework's id
     * @return the messages, a new list
     */
    public List<M> window(String conversationId) {
        Conversation<M> c = conversation(conversationId);
        WindowSnapshot<M> s = refresh(c);
        bases.get().put(c.sessionId, s);
        List<M> out = new ArrayList<>(s.entries().size());
        for (WindowEntry<M> e : s.entries()) {
            out.add(e.message());
        }
        return out;
    }

    /**
     * Makes {@code messages} the conversation's window: new messages are appended, messages gone from
     * the front stay in the history, a rewrite becomes a branch, a complete replacement a reset.
     *
     * @param conversationId the framework's id
     * @param messages the whole window, in order
     * @throws RevisionConflictException when strict and another writer changed the conversation
     *                                   since it was read, or after the last attempt
     * @throws InvalidRequestException if a message is over the store's limits
     */
    public void replace(String conversationId, List<? extends M> messages) {
        Objects.requireNonNull(messages, "messages");
        List<M> list = new ArrayList<>(messages.size());
        for (M m : messages) {
            list.add(Objects.requireNonNull(m, "a message of the list is null"));
        }
        Conversation<M> c = conversation(conversationId);
        write(c, new Planner<>() {
            private WindowUpdate<M> conflicted;
            private List<M> wanted = list;

            @Override
            public WindowUpdate<M> plan(WindowSnapshot<M> snapshot) {
                if (conflicted != null) {
                    List<M> previous = wanted;
                    wanted = conflicted.rebase(snapshot, wanted).orElse(list);
                    conflicted = null;
                    if (wanted != previous) {
                        LOG.debug("conversation {}: carrying an append over another writer's", c.sessionId);
                    }
                }
                int[] sources = new int[wanted.size()];
                List<EncodedMessage> encoded = encode(snapshot, wanted, sources);
                return WindowUpdate.plan(c.sessionId, c.tag, slot, snapshot, encoded, wanted, pending,
                        IdentityPlan.of(snapshot.entries(), sources, encoded));
            }

            @Override
            public void conflicted(WindowUpdate<M> update) {
                conflicted = update;
            }
        });
    }

    /**
     * Clears the conversation as the settings say: archives (the window empties, the history stays,
     * behind a marker node) or erases it.
     *
     * @param conversationId the framework's id
     */
    public void clear(String conversationId) {
        if (settings.archiveOnClear()) {
            Conversation<M> c = conversation(conversationId);
            write(c, snapshot -> WindowUpdate.clear(c.tag, slot, snapshot));
        } else {
            erase(conversationId);
        }
    }

    /**
     * Erases the conversation for good: its session, history, ledger and the blobs only it used.
     *
     * @param conversationId the framework's id
     * @return true if it existed
     */
    public boolean erase(String conversationId) {
        String sessionId = sessionId(conversationId);
        synchronized (conversations) {
            conversations.remove(sessionId);
        }
        bases.get().remove(sessionId);
        pending.forget(sessionId);
        return factory.deleteSession(sessionId);
    }

    /**
     * Every message of the conversation's active path, oldest first: what the window evicted too.
     *
     * @param conversationId the framework's id
     * @return the messages; empty for an unknown conversation
     */
    public List<M> history(String conversationId) {
        Conversation<M> c = conversation(conversationId);
        return historyNodes(conversationId).stream().map(n -> decode(c, n)).toList();
    }

    /**
     * The message nodes of the conversation's active path, oldest first.
     *
     * @param conversationId the framework's id
     * @return the nodes
     */
    public List<SessionNode> historyNodes(String conversationId) {
        Conversation<M> c = conversation(conversationId);
        Optional<RuntimePersistence> store = store(c, false);
        if (store.isEmpty()) {
            return List.of();
        }
        Optional<PersistedSessionRead> read = store.get().loadSession(SessionReadScope.activePath());
        return read.map(r -> r.nodes().stream().filter(n -> codec.kinds().contains(n.kind())).toList()).orElse(List.of());
    }

    /**
     * Forks the conversation at a message of its history into a new conversation, whose window is
     * the source's window as it was at that message; the source does not change.
     *
     * @param conversationId the source
     * @param atMessage the index in {@link #history(String)} of the last message the fork keeps
     * @param newConversationId the new conversation's id
     * @throws InvalidRequestException if the index is out of range or the new id is taken
     */
    public void fork(String conversationId, int atMessage, String newConversationId) {
        List<SessionNode> path = historyNodes(conversationId);
        if (atMessage < 0 || atMessage >= path.size()) {
            throw new InvalidRequestException("atMessage must be 0 to " + (path.size() - 1) + " (the history of "
                    + conversationId + " has " + path.size() + " messages), was " + atMessage);
        }
        String target = sessionId(newConversationId);
        RuntimePersistence fork = factory.forkSession(ForkRequest.of(sessionId(conversationId), path.get(atMessage).nodeId(), target));
        SessionMeta meta = fork.loadSessionMeta().orElseThrow(() -> new SessionNotFoundException(target));
        fork.saveSessionMeta(meta.withAttributes(attributes(newConversationId)));
        Conversation<M> c = conversation(newConversationId);
        c.store = fork;
        Optional<WindowDescription> window = ForkWindow.at(fork, slot, k -> codec.kinds().contains(k) && !k.equals(codec.systemKind()));
        if (window.isPresent()) {
            fork.commitRuntimeState(RuntimeCommit.expecting(0).checkpoint(slot, window.get().encode()).build());
        }
        LOG.debug("forked {} at message {} into {}", c.sessionId, atMessage, target);
    }

    /**
     * The ids of every conversation the adapter stored, newest first.
     *
     * @return the framework's ids
     */
    public List<String> conversationIds() {
        List<String> out = new ArrayList<>();
        SessionQuery q = SessionQuery.all().withAttribute(ADAPTER_ATTRIBUTE, settings.framework()).withLimit(SessionQuery.MAX_LIMIT);
        while (true) {
            SessionPage page = factory.listSessions(q);
            for (SessionMeta m : page.sessions()) {
                String id = m.attributes().get(settings.ids().idAttribute());
                if (id != null) {
                    out.add(id);
                }
            }
            if (page.nextCursor().isEmpty()) {
                return out;
            }
            q = q.after(page.nextCursor().get());
        }
    }

    /**
     * Holds token usage for a response until the update that stores it, which records the usage in
     * the session's ledger on that response's node.
     *
     * @param conversationId the framework's id
     * @param response the response message, as the framework will store it
     * @param model the model's name
     * @param tokens the counts
     */
    public void recordUsage(String conversationId, Object response, String model, TokenUsage tokens) {
        pending.add(sessionId(conversationId), new PendingUsage.Entry(response, model, tokens));
    }

    /**
     * @param conversationId the framework's id
     * @return how many usage reports wait for their response
     */
    public int pendingUsage(String conversationId) {
        return pending.size(sessionId(conversationId));
    }

    /** Closes the factory if this owns it. */
    @Override
    public void close() {
        if (ownsFactory) {
            factory.close();
        }
    }

    private interface Planner<M> {
        WindowUpdate<M> plan(WindowSnapshot<M> snapshot);

        default void conflicted(WindowUpdate<M> update) {
        }
    }

    private void write(Conversation<M> c, Planner<M> planner) {
        RevisionConflictException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            WindowSnapshot<M> base = attempt == 1 ? bases.get().get(c.sessionId) : null;
            WindowSnapshot<M> snapshot = base != null ? base : c.snapshot != null ? c.snapshot : refresh(c);
            WindowUpdate<M> update = planner.plan(snapshot);
            if (update.isNoop()) {
                if (!snapshot.exists()) {
                    store(c, true); // an empty window of a new conversation: the conversation exists, listed
                }
                return;
            }
            RuntimePersistence store = store(c, true).orElseThrow();
            try {
                RuntimeCommitResult r = store.commitRuntimeState(update.commit());
                c.snapshot = update.after(r);
                bases.get().put(c.sessionId, c.snapshot);
                pending.remove(c.sessionId, update.usage());
                return;
            } catch (RevisionConflictException e) {
                c.snapshot = null;
                bases.get().remove(c.sessionId);
                if (settings.strict()) {
                    throw e;
                }
                last = e;
                planner.conflicted(update);
                backOff(attempt);
                LOG.debug("conversation {} changed under an update (attempt {}): aligning again", c.sessionId, attempt);
            } catch (SessionNotFoundException e) {
                c.store = null;
                c.snapshot = null;
                bases.get().remove(c.sessionId);
            }
        }
        throw last != null ? last : new SessionNotFoundException(c.sessionId);
    }

    /** Waits a little, more with each attempt, so writers racing on one conversation spread out. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(1 + Math.min(attempt, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.cairn.persistence.PersistenceException("interrupted while retrying an update", e);
        }
    }

    /** Encodes the messages that are not stored objects; {@code sources} gets each one's stored index or NEW. */
    private List<EncodedMessage> encode(WindowSnapshot<M> snapshot, List<M> messages, int[] sources) {
        List<WindowEntry<M>> entries = snapshot.entries();
        Map<Object, Integer> known = new IdentityHashMap<>(2 * entries.size());
        for (int i = 0; i < entries.size(); i++) {
            known.putIfAbsent(entries.get(i).message(), i);
        }
        List<EncodedMessage> out = new ArrayList<>(messages.size());
        for (int j = 0; j < messages.size(); j++) {
            Integer i = known.get(messages.get(j));
            sources[j] = i == null ? WindowPlan.NEW : i;
            out.add(i != null ? entries.get(i).encoded() : codec.encode(messages.get(j)));
        }
        return out;
    }

    private WindowSnapshot<M> refresh(Conversation<M> c) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<RuntimePersistence> store = store(c, false);
            if (store.isEmpty()) {
                WindowSnapshot<M> absent = WindowSnapshot.absent();
                c.snapshot = absent;
                return absent;
            }
            Optional<WindowSnapshot<M>> s = reader.read(store.get(), c.snapshot);
            if (s.isPresent()) {
                c.snapshot = s.get();
                return s.get();
            }
            c.store = null; // the session was deleted (maybe re-created) since this handle was opened
        }
        WindowSnapshot<M> absent = WindowSnapshot.absent();
        c.snapshot = absent;
        return absent;
    }

    private Optional<RuntimePersistence> store(Conversation<M> c, boolean create) {
        RuntimePersistence s = c.store;
        if (s != null) {
            return Optional.of(s);
        }
        Optional<RuntimePersistence> opened = create
                ? Optional.of(factory.createStore(SessionStoreCreateRequest.of(c.sessionId)
                        .withPolicy(settings.policy()).withAttributes(attributes(c.conversationId))))
                : factory.openExisting(c.sessionId, settings.policy());
        opened.ifPresent(o -> c.store = o);
        return opened;
    }

    private Map<String, String> attributes(String conversationId) {
        Map<String, String> a = new HashMap<>();
        a.put(ADAPTER_ATTRIBUTE, settings.framework());
        a.put(settings.ids().idAttribute(), conversationId);
        return a;
    }

    private Conversation<M> conversation(String conversationId) {
        String sessionId = sessionId(conversationId);
        synchronized (conversations) {
            return conversations.computeIfAbsent(sessionId, k -> new Conversation<>(conversationId, sessionId));
        }
    }

    private M decode(Conversation<M> c, SessionNode n) {
        RuntimePersistence store = store(c, false).orElseThrow(() -> new SessionNotFoundException(c.sessionId));
        return codec.decode(n.kind(), n.payload(), hash -> store.loadBlob(hash)
                .orElseThrow(() -> new StoreCorruptedException("blob " + hash + " of node " + n.nodeId() + " is missing")));
    }

    /** A conversation's session handle and last known snapshot; fields are replaced, never mutated. */
    private static final class Conversation<M> {
        final String conversationId;
        final String sessionId;
        /** Part of every new node id: keeps a fork's new nodes apart from those it copied. */
        final String tag;
        volatile RuntimePersistence store;
        volatile WindowSnapshot<M> snapshot;

        Conversation(String conversationId, String sessionId) {
            this.conversationId = conversationId;
            this.sessionId = sessionId;
            this.tag = FrameworkIds.base32(dev.cairn.persistence.ContentHash.digest(sessionId.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 6);
        }
    }
}
