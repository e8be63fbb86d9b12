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
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(listener, "listener");
        ReentrantLock lock = core.lockFor(chatId());
        lock.lock();
        try {
            return new TurnRunner(core, store, listener).run(text);
        } finally {
            lock.unlock();
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
