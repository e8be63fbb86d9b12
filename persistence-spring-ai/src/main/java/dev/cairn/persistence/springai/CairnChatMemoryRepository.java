package dev.cairn.persistence.springai;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.adapter.ConversationWindows;
import dev.cairn.persistence.adapter.WindowSettings;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.Message;

import java.util.List;
import java.util.Objects;

/**
 * A Spring AI {@link ChatMemoryRepository} on Cairn. Each conversation is a Cairn session
 * ({@code sai:<id>}) whose active path holds every message ever saved, tool calls and tool responses
 * exactly (ids, names, arguments, results); {@link #findByConversationId(String)} returns the window
 * the chat memory last saved, kept in a checkpoint slot. So:
 * <ul>
 *   <li>messages {@code MessageWindowChatMemory} evicts stay in {@link #history(String)};</li>
 *   <li>each {@link #saveAll(String, List)} is one compare-and-set commit of the new messages only,
 *       not a delete and re-insert; two requests on one conversation never overwrite each other;</li>
 *   <li>{@link #deleteByConversationId(String)} archives by default: the window empties, the
 *       history stays; {@link #erase(String)} deletes the conversation for good;</li>
 *   <li>with {@link #usageAdvisor()} on the chat client, each response's token usage goes into the
 *       session's ledger by model.</li>
 * </ul>
 * Messages are values: a message object changed after it was saved is not seen as changed.
 * Thread-safe.
 *
 * <pre>{@code
 * CairnChatMemoryRepository repository = CairnChatMemoryRepository.open("sqlite:./.cairn-data");
 * ChatMemory memory = MessageWindowChatMemory.builder().chatMemoryRepository(repository).build();
 * ChatClient client = ChatClient.builder(chatModel)
 *         .defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build(), repository.usageAdvisor())
 *         .build();
 * }</pre>
 */
public final class CairnChatMemoryRepository implements ChatMemoryRepository, AutoCloseable {
    /** The framework name kept in each session's {@code cairn.adapter} attribute. */
    public static final String FRAMEWORK = "spring-ai";

    private final ConversationWindows<Message> windows;
    private final CairnUsageAdvisor usageAdvisor;

    private CairnChatMemoryRepository(ConversationWindows<Message> windows) {
        this.windows = windows;
        this.usageAdvisor = new CairnUsageAdvisor(this, org.springframework.ai.chat.client.advisor.api.Advisor.DEFAULT_CHAT_MEMORY_PRECEDENCE_ORDER + 1);
    }

    /**
     * A repository on a factory the caller owns (and closes).
     *
     * @param factory the factory, e.g. {@code SessionStores.open("sqlite:./.cairn-data")}
     * @return the repository, with the defaults (archive on clear, re-align and retry on conflict)
     */
    public static CairnChatMemoryRepository of(SessionStoreFactory factory) {
        return builder().factory(factory).build();
    }

    /**
     * A repository on a location it opens and, on {@link #close()}, closes.
     *
     * @param location a Cairn location, e.g. {@code sqlite:./.cairn-data}
     * @return the repository
     */
    public static CairnChatMemoryRepository open(String location) {
        return builder().location(location).build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the ids of every conversation saved through this adapter, newest first */
    @Override
    public List<String> findConversationIds() {
        return windows.conversationIds();
    }

    /**
     * The window the chat memory last saved; empty for an unknown conversation.
     *
     * @param conversationId the conversation id
     * @return the messages, in order
     * @throws IllegalArgumentException if the id is null or blank
     */
    @Override
    public List<Message> findByConversationId(String conversationId) {
        return windows.window(requireId(conversationId));
    }

    /**
     * Saves the chat memory's current window: new messages are appended to the conversation's
     * history, evicted ones stay in it, a rewrite branches.
     *
     * @param conversationId the conversation id
     * @param messages the window
     * @throws IllegalArgumentException if the id is blank, or the list or one of its messages null
     * @throws RevisionConflictException when strict and another writer changed the conversation
     * @throws InvalidRequestException if a message is over the store's limits or its metadata is not JSON
     */
    @Override
    public void saveAll(String conversationId, List<Message> messages) {
        requireId(conversationId);
        if (messages == null || messages.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("messages must be a list without null elements");
        }
        windows.replace(conversationId, messages);
    }

    /**
     * Clears the window; by default the history stays (archive), built with
     * {@link Builder#eraseOnClear()} the conversation is erased.
     *
     * @param conversationId the conversation id
     */
    @Override
    public void deleteByConversationId(String conversationId) {
        windows.clear(requireId(conversationId));
    }

    /**
     * Deletes the conversation for good — history, ledger, its blobs — for erasure requests.
     *
     * @param conversationId the conversation id
     * @return true if it existed
     */
    public boolean erase(String conversationId) {
        return windows.erase(requireId(conversationId));
    }

    /**
     * Every message ever saved for the conversation on its current path, oldest first.
     *
     * @param conversationId the conversation id
     * @return the messages
     */
    public List<Message> history(String conversationId) {
        return windows.history(requireId(conversationId));
    }

    /**
     * Forks a conversation at a message of its {@link #history(String)}; the fork's window is the
     * source's as it was at that message, and the source does not change.
     *
     * @param conversationId the source
     * @param atMessage the index in {@code history(conversationId)} of the last message the fork keeps
     * @param newConversationId the new conversation's id, not used yet
     * @throws InvalidRequestException if the index is out of range or the new id is taken
     */
    public void fork(String conversationId, int atMessage, String newConversationId) {
        windows.fork(requireId(conversationId), atMessage, requireId(newConversationId));
    }

    /**
     * @param conversationId the conversation id
     * @return its Cairn session id, for the CLI and the core API
     */
    public String sessionId(String conversationId) {
        return windows.sessionId(requireId(conversationId));
    }

    /** @return the factory the conversations live in */
    public SessionStoreFactory factory() {
        return windows.factory();
    }

    /**
     * The advisor that records token usage, ordered just inside a memory advisor at its default order;
     * add it to the chat client beside the memory advisor.
     *
     * @return the advisor
     */
    public CairnUsageAdvisor usageAdvisor() {
        return usageAdvisor;
    }

    /**
     * The usage advisor at another order, for a memory advisor that is not at its default order.
     *
     * @param order the memory advisor's order + 1
     * @return the advisor
     */
    public CairnUsageAdvisor usageAdvisor(int order) {
        return new CairnUsageAdvisor(this, order);
    }

    ConversationWindows<Message> windows() {
        return windows;
    }

    private static String requireId(String conversationId) {
        if (conversationId == null || conversationId.isBlank()) {
            throw new IllegalArgumentException("conversationId must not be null or blank");
        }
        return conversationId;
    }

    /** Closes the factory if the repository opened it from a location. */
    @Override
    public void close() {
        windows.close();
    }

    /** Builds a {@link CairnChatMemoryRepository}. */
    public static final class Builder {
        private SessionStoreFactory factory;
        private String location;
        private WindowSettings settings = WindowSettings.defaults(FRAMEWORK, "sai");

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
         * @param location a Cairn location the repository opens and closes
         * @return this builder
         */
        public Builder location(String location) {
            this.location = Objects.requireNonNull(location, "location");
            this.factory = null;
            return this;
        }

        /**
         * Makes {@link CairnChatMemoryRepository#deleteByConversationId(String)} erase instead of archive.
         *
         * @return this builder
         */
        public Builder eraseOnClear() {
            settings = settings.withArchiveOnClear(false);
            return this;
        }

        /**
         * Makes a concurrent save of one conversation fail with {@link RevisionConflictException}
         * instead of being aligned again and retried.
         *
         * @return this builder
         */
        public Builder strict() {
            settings = settings.withStrict(true);
            return this;
        }

        /**
         * @param attempts how many times a save is tried when other writers get in first (1 to 100; default 10)
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
         * @return the repository
         * @throws IllegalStateException if neither a factory nor a location was given
         */
        public CairnChatMemoryRepository build() {
            if (factory == null && location == null) {
                throw new IllegalStateException("give a factory(...) or a location(...), e.g. location(\"sqlite:./.cairn-data\")");
            }
            SessionStoreFactory f = factory != null ? factory : SessionStores.open(location);
            return new CairnChatMemoryRepository(new ConversationWindows<>(f, factory == null, settings, new SpringAiCodec()));
        }
    }
}
