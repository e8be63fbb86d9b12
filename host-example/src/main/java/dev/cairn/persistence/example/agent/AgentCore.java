package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StorePolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small agent runtime whose sessions live in Cairn. One instance serves many chats; it is
 * thread-safe.
 *
 * <pre>{@code
 * AgentCore core = AgentCore.builder()
 *         .model(new BuiltinModel())
 *         .tools(BuiltinTools.all())
 *         .storeFactory(SessionStores.open("sqlite:./.cairn-data"))
 *         .maxContextTokens(4000)
 *         .build();
 * try (AgentSession chat = core.session("chat-42").open()) {   // resumes or creates
 *     TurnResult r = chat.send("what is 6*7?");
 * }
 * }</pre>
 *
 * <p>Turns of one chat are serialized inside this instance (a striped lock), so two requests to the
 * same chat do not interleave their steps. Writers outside it (another instance, another process on
 * the same store) are handled by compare-and-set: every step expects the revision it read, and a
 * conflicting step reloads and retries (see {@link StepCommitter}).
 *
 * <p>Bounds of a turn: {@code maxSteps} model calls (6), {@code maxToolCalls} tool calls in all
 * (16), so at most {@code 2 + maxSteps + 2 * maxToolCalls} nodes; each tool call runs at most
 * {@code toolTimeout} (10 s) and returns at most {@code maxToolResultBytes} (16 KiB) of JSON.
 */
public final class AgentCore implements AutoCloseable {
    /** The session attribute of a fork that names the node it was forked at. */
    public static final String FORKED_AT = "forkedAt";
    private static final int LOCK_STRIPES = 64;

    private final SessionStoreFactory factory;
    private final boolean ownsFactory;
    private final ChatModel model;
    private final Map<String, Tool> tools;
    private final List<ToolSpec> toolSpecs;
    private final String systemPrompt;
    private final int maxSteps;
    private final int maxCommitRetries;
    private final int maxToolCalls;
    private final ExecutorService toolWorkers;
    private final ToolRunner toolRunner;
    private final StorePolicy storePolicy;
    private final Clock clock;
    private final ContextAssembler assembler;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    private AgentCore(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.ownsFactory = b.factory == null;
        this.factory = b.factory != null ? b.factory : SessionStores.open("memory:");
        this.tools = new LinkedHashMap<>();
        List<ToolSpec> specs = new ArrayList<>();
        for (Tool t : b.tools) {
            if (tools.put(t.spec().name(), t) != null) {
                throw new IllegalArgumentException("Two tools are named '" + t.spec().name() + "'");
            }
            specs.add(t.spec());
        }
        this.toolSpecs = List.copyOf(specs);
        this.systemPrompt = b.systemPrompt;
        this.maxSteps = b.maxSteps;
        this.maxCommitRetries = b.maxCommitRetries;
        this.maxToolCalls = b.maxToolCalls;
        AtomicInteger workers = new AtomicInteger();
        this.toolWorkers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tool-" + workers.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.toolRunner = new ToolRunner(toolWorkers, b.toolTimeout, b.maxToolResultBytes);
        this.storePolicy = b.storePolicy;
        this.clock = b.clock;
        this.assembler = new ContextAssembler(b.maxContextNodes, b.maxContextTokens);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock(true);
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts opening the session of a chat.
     *
     * @param chatId the app's chat id, used as the Cairn session id
     * @return an opener: set seed metadata, then {@link SessionOpener#open()}
     */
    public SessionOpener session(String chatId) {
        return new SessionOpener(this, chatId);
    }

    /**
     * Forks a chat at a node: the new chat has the source's path up to the node, its checkpoints and
     * metadata (with attribute {@value #FORKED_AT} naming the fork node), and an empty ledger.
     *
     * @param sourceChatId the chat to fork
     * @param atNodeId the node the fork's head starts at
     * @param newChatId the new chat's id
     * @return the new chat, open
     */
    public AgentSession fork(String sourceChatId, String atNodeId, String newChatId) {
        RuntimePersistence store = factory.forkSession(new ForkRequest(sourceChatId, atNodeId, newChatId, storePolicy));
        try {
            store.loadSessionMeta().ifPresent(m -> store.saveSessionMeta(m.withAttribute(FORKED_AT, atNodeId)));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new AgentSession(this, store);
    }

    /**
     * Erases a chat's session: nodes, checkpoints, ledger and blobs no other session uses.
     *
     * @param chatId the chat
     * @return true if it existed
     */
    public boolean delete(String chatId) {
        ReentrantLock lock = lockFor(chatId);
        lock.lock();
        try {
            return factory.deleteSession(chatId);
        } finally {
            lock.unlock();
        }
    }

    /** @return the session store factory, the catalogue of chats */
    public SessionStoreFactory factory() {
        return factory;
    }

    /** @return the model */
    public ChatModel model() {
        return model;
    }

    /** @return the tools' specifications, in registration order */
    public List<ToolSpec> toolSpecs() {
        return toolSpecs;
    }

    /** Stops the tool workers and closes the store factory if this core opened it (built without one). */
    @Override
    public void close() {
        toolWorkers.shutdownNow();
        if (ownsFactory) {
            factory.close();
        }
    }

    ReentrantLock lockFor(String chatId) {
        return locks[Math.floorMod(chatId.hashCode(), LOCK_STRIPES)];
    }

    Optional<Tool> tool(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    List<String> toolNames() {
        return List.copyOf(tools.keySet());
    }

    String systemPrompt() {
        return systemPrompt;
    }

    int maxSteps() {
        return maxSteps;
    }

    int maxCommitRetries() {
        return maxCommitRetries;
    }

    int maxToolCalls() {
        return maxToolCalls;
    }

    ToolRunner toolRunner() {
        return toolRunner;
    }

    StorePolicy storePolicy() {
        return storePolicy;
    }

    Clock clock() {
        return clock;
    }

    ContextAssembler assembler() {
        return assembler;
    }

    /** Configures an {@link AgentCore}. */
    public static final class Builder {
        private ChatModel model;
        private final List<Tool> tools = new ArrayList<>();
        private SessionStoreFactory factory;
        private int maxContextTokens = 4000;
        private int maxContextNodes = 64;
        private int maxSteps = 6;
        private int maxCommitRetries = 8;
        private int maxToolCalls = 16;
        private Duration toolTimeout = Duration.ofSeconds(10);
        private int maxToolResultBytes = 16 * 1024;
        private String systemPrompt = "You are a helpful assistant. Use the tools for arithmetic, notes and the time.";
        private StorePolicy storePolicy = StorePolicy.DEFAULT;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param model the model turns call; required
         * @return this builder
         */
        public Builder model(ChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * @param tools tools the model may call, added to those set before
         * @return this builder
         */
        public Builder tools(Collection<? extends Tool> tools) {
            tools.forEach(t -> this.tools.add(Objects.requireNonNull(t, "tool")));
            return this;
        }

        /**
         * @param tools tools the model may call, added to those set before
         * @return this builder
         */
        public Builder tools(Tool... tools) {
            return tools(List.of(tools));
        }

        /**
         * @param factory where sessions live; the caller closes it. Without one the core opens
         *     {@code memory:} and closes it in {@link AgentCore#close()}.
         * @return this builder
         */
        public Builder storeFactory(SessionStoreFactory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * @param tokens the largest context, estimated, sent to the model (system prompt included)
         * @return this builder
         */
        public Builder maxContextTokens(int tokens) {
            this.maxContextTokens = requirePositive("maxContextTokens", tokens);
            return this;
        }

        /**
         * @param nodes how many nodes at most are read from the end of the active path per model call
         * @return this builder
         */
        public Builder maxContextNodes(int nodes) {
            this.maxContextNodes = requirePositive("maxContextNodes", nodes);
            return this;
        }

        /**
         * @param steps how many model calls a turn may make
         * @return this builder
         */
        public Builder maxSteps(int steps) {
            this.maxSteps = requirePositive("maxSteps", steps);
            return this;
        }

        /**
         * @param calls how many tool calls a turn may make in all its steps; a model reply that asks
         *     for more ends the turn with an error ({@link ModelException})
         * @return this builder
         */
        public Builder maxToolCalls(int calls) {
            this.maxToolCalls = requirePositive("maxToolCalls", calls);
            return this;
        }

        /**
         * @param timeout how long one tool call may run; a slower one is interrupted and its result is an error
         * @return this builder
         */
        public Builder toolTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("toolTimeout must be positive, got " + timeout);
            }
            this.toolTimeout = timeout;
            return this;
        }

        /**
         * @param bytes the largest tool result, as JSON; a larger one is recorded as an error result
         * @return this builder
         */
        public Builder maxToolResultBytes(int bytes) {
            this.maxToolResultBytes = requirePositive("maxToolResultBytes", bytes);
            return this;
        }

        /**
         * @param retries how often a step is retried after a revision conflict
         * @return this builder
         */
        public Builder maxCommitRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxCommitRetries cannot be negative, got " + retries);
            }
            this.maxCommitRetries = retries;
            return this;
        }

        /**
         * @param prompt the system prompt
         * @return this builder
         */
        public Builder systemPrompt(String prompt) {
            this.systemPrompt = Objects.requireNonNull(prompt, "prompt");
            return this;
        }

        /**
         * @param policy the size limits of the stores this core opens
         * @return this builder
         */
        public Builder storePolicy(StorePolicy policy) {
            this.storePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param clock the clock tools see
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the core */
        public AgentCore build() {
            return new AgentCore(this);
        }

        private static int requirePositive(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + value);
            }
            return value;
        }
    }
}
