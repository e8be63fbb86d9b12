package dev.cairn.persistence;

import java.util.Optional;

/**
 * Makes the per-session stores of one storage location, and is its catalogue. A host opens one
 * factory at boot, with {@link SessionStores#open(String)} or a provider's constructor, and closes it
 * at shutdown; closing it closes every store it made (SPEC rule 22).
 *
 * <p>Implementations are thread-safe and blocking.
 */
public interface SessionStoreFactory extends AutoCloseable {

    /**
     * Returns the store of a session, creating the session if needed. The metadata of the request
     * seeds a new session; an existing session's metadata is never overwritten (rule 18).
     *
     * @param request the session id, parent, policy and seed metadata
     * @return the store
     */
    RuntimePersistence createStore(SessionStoreCreateRequest request);

    /**
     * Returns the store of an existing session, with the default {@link StorePolicy}: the same as
     * {@code openExisting(sessionId, StorePolicy.DEFAULT)}.
     *
     * @param sessionId the session's id
     * @return the store, or empty if the session does not exist
     */
    default Optional<RuntimePersistence> openExisting(String sessionId) {
        return openExisting(sessionId, StorePolicy.DEFAULT);
    }

    /**
     * Returns the store of an existing session whose commits are held to {@code policy} (rule 8): a
     * host that creates its sessions with a policy reopens them with the same one, so its limits hold
     * after a restart too. The policy belongs to the returned handle only; nothing of it is stored.
     *
     * @param sessionId the session's id
     * @param policy the size limits of the returned handle's commits
     * @return the store, or empty if the session does not exist
     */
    Optional<RuntimePersistence> openExisting(String sessionId, StorePolicy policy);

    /**
     * Lists sessions newest first (rule 19).
     *
     * @param query filters, page size and cursor
     * @return one page
     */
    SessionPage listSessions(SessionQuery query);

    /**
     * Forks a session at a node (rule 20).
     *
     * @param request the source, the node, the new id
     * @return the store of the new session
     * @throws SessionNotFoundException if the source does not exist
     * @throws InvalidRequestException if the node is not a live node of the source, or the new id is taken
     */
    RuntimePersistence forkSession(ForkRequest request);

    /**
     * Erases a session at once: nodes, ledger, metadata, idempotency keys and the blobs no other
     * session references (rule 21).
     *
     * @param sessionId the session
     * @return true if it existed
     */
    boolean deleteSession(String sessionId);

    /**
     * Loads any blob stored in the factory, whichever session references it, and verifies its hash
     * (rule 13): the read of operator tools (export, verify, repair). Hosts read a session's blobs
     * through its store ({@link RuntimePersistence#loadBlob(ContentHash)}), which hands out only the
     * blobs of that session.
     *
     * @param hash the blob's hash
     * @return a new array with the uncompressed bytes, or empty if no such blob is stored
     * @throws StoreCorruptedException if the stored bytes do not hash to {@code hash}
     * @throws StoreClosedException if the factory is closed
     */
    Optional<byte[]> loadBlob(ContentHash hash);

    /**
     * Detaches tombstoned nodes and deletes the blobs no live node of any session references
     * (rule 16); the same as {@link RuntimePersistence#gcUnreachable()} on any of its stores, and
     * available when there is no session to open.
     *
     * @return what was done
     */
    GcReport gcUnreachable();

    /**
     * Removes detached nodes for good and gives storage back (rule 17); the same as
     * {@link RuntimePersistence#vacuum()} on any of its stores.
     *
     * @return what was done
     */
    VacuumReport vacuum();

    /** @return what the factory's stores promise about commits that returned */
    Durability durability();

    /** Closes the factory and every store it made. Closing twice is harmless. */
    @Override
    void close();
}
