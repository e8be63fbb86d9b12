package dev.cairn.persistence.langchain4j;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.adapter.ConversationWindows;
import dev.cairn.persistence.adapter.WindowSettings;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;

import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link ChatMemoryStore} on Cairn. Each memory id is a Cairn session
 * ({@code lc4j:<id>}) whose active path holds every message ever stored, in order; what
 * {@link #getMessages(Object)} returns is the window the chat memory last stored, kept in a
 * checkpoint slot. So:
 * <ul>
 *   <li>messages a window evicts stay in {@link #history(Object)};</li>
 *   <li>each {@link #updateMessages(Object, List)} is one compare-and-set commit of the new messages
 *       only; two writers on one memory id never overwrite each other (the later one is aligned
 *       again with what the first stored, or, {@link Builder#strict()}, fails);</li>
 *   <li>a rewrite in the middle (a compensated tool result) becomes a branch, the old one kept;</li>
 *   <li>{@link #deleteMessages(Object)} archives by default: the window empties, the history stays;
 *       {@link #erase(Object)} deletes the conversation for good;</li>
 *   <li>with {@link #usageListener()} registered on the AI service, every model call's token usage
 *       goes into the session's ledger, on the node of the response, by model name.</li>
 * </ul>
 * Memory ids are compared by {@code toString()}, as LangChain4j's other stores do. Messages are
 * values: a message object changed after it was stored is not seen as changed. Thread-safe.
 *
 * <pre>{@code
 * CairnChatMemoryStore store = CairnChatMemoryStore.open("sqlite:./.cairn-data");
 * Assistant assistant = AiServices.builder(Assistant.class)
 *         .chatModel(model)
 *         .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(10).chatMemoryStore(store).build())
 *         .registerListener(store.usageListener())
 *         .build();
 * }</pre>
 */
public final class CairnChatMemoryStore implements ChatMemoryStore, AutoCloseable {
    /** The framework name kept in each session's {@code cairn.adapter} attribute. */
    public static final String FRAMEWORK = "langchain4j";

    private final ConversationWindows<ChatMessage> windows;
    private final CairnUsageListener usageListener;

    private CairnChatMemoryStore(ConversationWindows<ChatMessage> windows) {
        this.windows = windows;
        this.usageListener = new CairnUsageListener(this);
    }

    /**
     * A store on a factory the caller owns (and closes).
     *
     * @param factory the factory, e.g. {@code SessionStores.open("sqlite:./.cairn-data")}
     * @return the store, with the defaults (archive on clear, re-align and retry on conflict)
     */
    public static CairnChatMemoryStore of(SessionStoreFactory factory) {
        return builder().factory(factory).build();
    }

    /**
     * A store on a location it opens and, on {@link #close()}, closes.
     *
     * @param location a Cairn location, e.g. {@code sqlite:./.cairn-data} or {@code memory:}
     * @return the store
     */
    public static CairnChatMemoryStore open(String location) {
        return builder().location(location).build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The window the chat memory last stored for this id; empty for an unknown id.
     *
     * @param memoryId the memory id
     * @return the messages, in order
     */
    @Override
    public List<ChatMessage> getMessages(Object memoryId) {
        return windows.window(id(memoryId));
    }

    /**
     * Stores the chat memory's current window: new messages are appended to the conversation's
     * history, evicted ones stay in it, a rewrite branches.
     *
     * @param memoryId the memory id
     * @param messages the window
     * @throws RevisionConflictException when strict and another writer changed the conversation since
     *                                   it was read, or when the retries ran out
     * @throws InvalidRequestException if a message is over the store's limits
     */
    @Override
    public void updateMessages(Object memoryId, List<ChatMessage> messages) {
        windows.replace(id(memoryId), messages);
    }

    /**
     * Clears the window. By default the history stays (archive); built with
     * {@link Builder#eraseOnClear()} this erases the conversation, as {@link #erase(Object)}.
     *
     * @param memoryId the memory id
     */
    @Override
    public void deleteMessages(Object memoryId) {
        windows.clear(id(memoryId));
    }

    /**
     * Deletes the conversation for good — history, ledger, its blobs — for erasure requests.
     *
     * @param memoryId the memory id
     * @return true if it existed
     */
    public boolean erase(Object memoryId) {
        return windows.erase(id(memoryId));
    }

    /**
     * Every message ever stored for this id on its current path, oldest first, evicted ones included.
     *
     * @param memoryId the memory id
     * @return the messages
     */
    public List<ChatMessage> history(Object memoryId) {
        return windows.history(id(memoryId));
    }

    /**
     * Forks a conversation at a message of its {@link #history(Object)} into a new memory id whose
     * window is the source's as it was at that message; the source does not change.
     *
     * @param memoryId the source
     * @param atMessage the index in {@code history(memoryId)} of the last message the fork keeps
     * @param newMemoryId the new memory id, not used yet
     * @throws InvalidRequestException if the index is out of range or the new id is taken
     */
    public void fork(Object memoryId, int atMessage, Object newMemoryId) {
        windows.fork(id(memoryId), atMessage, id(newMemoryId));
    }

    /**
     * @param memoryId the memory id
     * @return the Cairn session id of the conversation, for the CLI and the core API
     */
    public String sessionId(Object memoryId) {
        return windows.sessionId(id(memoryId));
    }

    /** @return the memory ids of every conversation this adapter stored, as strings, newest first */
    public List<String> memoryIds() {
        return windows.conversationIds();
    }

    /** @return the factory the conversations live in (for usage, forks and the rest of Cairn's API) */
    public SessionStoreFactory factory() {
        return windows.factory();
    }

    /**
     * The listener that records token usage: register it on the AI service
     * ({@code AiServices.builder(...).registerListener(store.usageListener())}).
     *
     * @return the listener
     */
    public CairnUsageListener usageListener() {
        return usageListener;
    }

    ConversationWindows<ChatMessage> windows() {
        return windows;
    }

    static String id(Object memoryId) {
        Objects.requireNonNull(memoryId, "memoryId");
        return memoryId.toString();
    }

    /** Closes the factory if the store opened it from a location. */
    @Override
    public void close() {
        windows.close();
    }

    /** Builds a {@link CairnChatMemoryStore}. */
    public static final class Builder {
        private SessionStoreFactory factory;
        private String location;
        private WindowSettings settings = WindowSettings.defaults(FRAMEWORK, "lc4j");

        private Builder() {
        }

        /**
         * @param factory a factory the caller owns and closes
         * @return this builder
         */
        public Builder factory(SessionStoreFactory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            this.location = null;
            return this;
        }

        /**
         * @param location a Cairn location the store opens and closes
         * @return this builder
         */
        public Builder location(String location) {
            this.location = Objects.requireNonNull(location, "location");
            this.factory = null;
            return this;
        }

        /**
         * Makes {@link CairnChatMemoryStore#deleteMessages(Object)} erase the conversation instead of
         * archiving it.
         *
         * @return this builder
         */
        public Builder eraseOnClear() {
            settings = settings.withArchiveOnClear(false);
            return this;
        }

        /**
         * Makes a concurrent update of one memory id fail with {@link RevisionConflictException}
         * instead of being aligned again and retried.
         *
         * @return this builder
         */
        public Builder strict() {
            settings = settings.withStrict(true);
            return this;
        }

        /**
         * @param attempts how many times an update is tried when other writers get in first (1 to 100; default 10)
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            settings = settings.withMaxAttempts(attempts);
            return this;
        }

        /**
         * @param policy the payload and blob limits of the sessions (default {@link StorePolicy#DEFAULT})
         * @return this builder
         */
        public Builder storePolicy(StorePolicy policy) {
            settings = settings.withPolicy(policy);
            return this;
        }

        /**
         * @return the store
         * @throws IllegalStateException if neither a factory nor a location was given
         */
        public CairnChatMemoryStore build() {
            if (factory == null && location == null) {
                throw new IllegalStateException("give a factory(...) or a location(...), e.g. location(\"sqlite:./.cairn-data\")");
            }
            SessionStoreFactory f = factory != null ? factory : SessionStores.open(location);
            return new CairnChatMemoryStore(new ConversationWindows<>(f, factory == null, settings, new Lc4jCodec()));
        }
    }
}
