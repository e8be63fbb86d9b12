package dev.cairn.persistence.example.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.UsageLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open chat: send turns, read the transcript, rewind. A handle over a Cairn store; close it
 * when done (the session stays). Thread-safe: turns of one chat run one at a time.
 */
public final class AgentSession implements AutoCloseable {
    private final AgentCore core;
    private final RuntimePersistence store;

    AgentSession(AgentCore core, RuntimePersistence store) {
        this.core = core;
        this.store = store;
    }

    /** @return the chat id (the session id) */
    public String chatId() {
        return store.sessionId();
    }

    /**
     * Runs a turn.
     *
     * @param text what the user said
     * @return what the turn did
     */
    public TurnResult send(String text) {
        return send(text, TurnListener.NONE);
    }

    /**
     * Runs a turn and reports each node as soon as it is committed.
     *
     * @param text what the user said
     * @param listener hears each stored node
     * @return what the turn did
     * @throws ModelException if the model failed; the steps before stay, an {@code error} node says why
     * @throws TurnConflictException if a step met revision conflicts on every retry
     */
    public TurnResult send(String text, TurnListener listener) {
        return send(text, Optional.empty(), listener);
    }

    /**
     * Runs a turn once per idempotency key: a second call with the same key (a client's retry, after
     * a restart too, on any instance sharing the store) runs nothing and returns the first turn's
     * answer with {@code replayed = true}, its nodes reported to the listener again. The key's turn
     * id is derived from the key, so its nodes and commits carry Cairn's idempotency keys.
     *
     * @param text what the user said
     * @param idempotencyKey the caller's key for this message, if any
     * @param listener hears each stored node
     * @return what the turn did
     * @throws TurnFailedException if the turn failed after it started (also on a replay of such a turn)
     * @throws TurnKeyException if the key was used for another message, or its turn has not finished
     */
    public TurnResult send(String text, Optional<String> idempotencyKey, TurnListener listener) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(listener, "listener");
        String turnId = idempotencyKey.map(AgentSession::turnIdOf)
                .orElseGet(() -> "t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        ReentrantLock lock = core.lockFor(chatId());
        lock.lock();
        try {
            return new TurnRunner(core, store, listener).run(text, turnId, idempotencyKey.isPresent());
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param idempotencyKey a caller's key
     * @return the turn id it names: {@code t} and 16 hex digits of its SHA-256
     */
    static String turnIdOf(String idempotencyKey) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return "t" + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Reads nodes of the session in one snapshot.
     *
     * @param scope e.g. {@link SessionReadScope#activePath()} for the transcript
     * @return the nodes and the head they were read at
     */
    public Transcript read(SessionReadScope scope) {
        PersistedSessionRead read = load(scope);
        return new Transcript(chatId(), read.head(),
                read.nodes().stream().map(TranscriptNode::of).toList());
    }

    /** @return the head and revision */
    public SessionHead head() {
        return load(SessionReadScope.activePathTail(1)).head();
    }

    /** @return the token ledger: totals by model over every turn ever committed */
    public UsageLedger usage() {
        return load(SessionReadScope.activePathTail(1)).usage();
    }

    /**
     * @param scope the nodes whose ledger entries {@link UsageLedger#turns()} lists
     * @return the token ledger: totals over every turn ever committed, entries of the scope's nodes
     */
    public UsageLedger usage(SessionReadScope scope) {
        return load(scope).usage();
    }

    /** @return the session's metadata */
    public SessionMeta meta() {
        return store.loadSessionMeta().orElseThrow(() -> new SessionNotFoundException(chatId()));
    }

    /** @return the tool state at the head (the {@code tool_state} checkpoint slot), {@code {}} if none */
    public ObjectNode toolState() {
        return load(SessionReadScope.activePathTail(1)).checkpoint().slot(TurnRunner.TOOL_STATE)
                .map(slot -> {
                    byte[] bytes = store.loadBlob(slot.blob().hash()).orElseThrow(() ->
                            new StoreCorruptedException("tool_state blob missing in session '" + chatId() + "'"));
                    try {
                        JsonNode tree = Payloads.JSON.readTree(bytes);
                        return tree.isObject() ? (ObjectNode) tree : Payloads.JSON.createObjectNode();
                    } catch (IOException e) {
                        throw new StoreCorruptedException("tool_state of session '" + chatId() + "' is not JSON", e);
                    }
                })
                .orElseGet(Payloads.JSON::createObjectNode);
    }

    /**
     * Moves the head back (or to any live node) without new nodes; checkpoints follow, so tool
     * state is as it was at that node.
     *
     * @param nodeId the new head, a live node
     * @param expectedRevision the revision the caller saw, or empty to take the current one
     * @return the new head
     * @throws RevisionConflictException if the session is not at {@code expectedRevision}
     * @throws dev.cairn.persistence.InvalidRequestException if the node is not a live node
     */
    public SessionHead rewind(String nodeId, OptionalLong expectedRevision) {
        ReentrantLock lock = core.lockFor(chatId());
        lock.lock();
        try {
            long expected = expectedRevision.isPresent() ? expectedRevision.getAsLong() : head().revision();
            RuntimeCommitResult r = store.commitRuntimeState(RuntimeCommit.expecting(expected).head(nodeId).build());
            return new SessionHead(r.head(), r.revision());
        } finally {
            lock.unlock();
        }
    }

    /** Closes this handle; the session stays. */
    @Override
    public void close() {
        store.close();
    }

    private PersistedSessionRead load(SessionReadScope scope) {
        return store.loadSession(scope).orElseThrow(() -> new SessionNotFoundException(chatId()));
    }
}
