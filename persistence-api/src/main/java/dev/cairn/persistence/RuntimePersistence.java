package dev.cairn.persistence;

import java.util.Collection;
import java.util.Optional;

/**
 * The store of one session: an append-only graph of nodes, a head moved by compare-and-set,
 * checkpoints, blobs and a token ledger. Obtained from a {@link SessionStoreFactory}.
 *
 * <p>Implementations are thread-safe and blocking. Every method throws
 * {@link StoreClosedException} after {@link #close()} (SPEC rule 22). Once the session was deleted,
 * the reads return empty and the writes ({@link #commitRuntimeState}, {@link #saveSessionMeta},
 * {@link #tombstoneNodes}) throw {@link SessionNotFoundException} (rule 21). Rule numbers refer to
 * {@code docs/SPEC.md}.
 */
public interface RuntimePersistence extends AutoCloseable {

    /** @return the id of this store's session */
    String sessionId();

    /**
     * Reads the session (rules 9 to 12).
     *
     * @param scope which nodes to return
     * @return the read, or empty if the session does not exist
     * @throws InvalidRequestException if an {@code activePathTo} leaf is not a live node
     */
    Optional<PersistedSessionRead> loadSession(SessionReadScope scope);

    /**
     * Reads one live node.
     *
     * @param nodeId the node's id
     * @return the node, or empty if there is no live node with this id
     * @throws InvalidRequestException if {@code nodeId} is not a valid id ({@link Ids#RULE})
     */
    Optional<SessionNode> loadNode(String nodeId);

    /**
     * Applies a commit atomically (rules 1 to 8).
     *
     * @param commit the commit
     * @return the new revision, head and checkpoint
     * @throws RevisionConflictException if the session is not at the expected revision
     * @throws IdempotencyConflictException if the key was used with other content
     * @throws InvalidRequestException if the commit breaks a rule of the graph or a size limit
     */
    RuntimeCommitResult commitRuntimeState(RuntimeCommit commit);

    /**
     * Replaces the name, model, cwd and attributes of the session. The session id, parent session
     * and creation time cannot change.
     *
     * @param meta the new metadata
     * @throws InvalidRequestException if {@code meta} names another session, parent or creation time
     */
    void saveSessionMeta(SessionMeta meta);

    /** @return the session's metadata, or empty if it does not exist */
    Optional<SessionMeta> loadSessionMeta();

    /**
     * Tombstones nodes and all their descendants (rule 15).
     *
     * @param nodeIds the nodes
     * @return how many nodes were newly tombstoned, descendants included
     * @throws InvalidRequestException if an id is unknown or a node is on the head's active path;
     *     then nothing is tombstoned
     */
    int tombstoneNodes(Collection<String> nodeIds);

    /**
     * Loads a blob of this session and verifies its hash (rule 13). The session's store hands out
     * only blobs that a node of the session that is not detached lists in its attachments, or that a
     * checkpoint slot committed at such a node names; a blob of another session is not found here,
     * so one tenant cannot read another's data by its hash. Operator tools that need any blob of the
     * factory use {@link SessionStoreFactory#loadBlob(ContentHash)}.
     *
     * @param hash the blob's hash
     * @return a new array with the uncompressed bytes, or empty if this session references no such blob
     * @throws StoreCorruptedException if the stored bytes do not hash to {@code hash}
     */
    Optional<byte[]> loadBlob(ContentHash hash);

    /**
     * Detaches tombstoned nodes and deletes the blobs no live node of any session of the factory
     * references (rule 16). It works on the whole factory, like
     * {@link SessionStoreFactory#gcUnreachable()}.
     *
     * @return what was done
     */
    GcReport gcUnreachable();

    /**
     * Removes detached nodes for good and gives storage back (rule 17). It works on the whole
     * factory, like {@link SessionStoreFactory#vacuum()}.
     *
     * @return what was done
     */
    VacuumReport vacuum();

    /** @return what the store promises about commits that returned */
    Durability durability();

    /** Closes this store handle; the session stays. Closing twice is harmless. */
    @Override
    void close();
}
