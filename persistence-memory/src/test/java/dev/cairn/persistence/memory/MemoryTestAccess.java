package dev.cairn.persistence.memory;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import java.util.Objects;

/**
 * Test-only hooks into the provider's internals, public so that tests in other packages of this
 * module (the kit subclass in {@code ...memory.tck}) can use them. Not shipped: it lives in the
 * test sources.
 */
public final class MemoryTestAccess {
    private MemoryTestAccess() {
    }

    /**
     * Damages a stored blob the way a faulty medium would: the stored bytes no longer hash to their
     * key. For the kit's {@code corruptBlob(ContentHash)} (rule 13).
     *
     * @param factory a {@link MemorySessionStoreFactory}, e.g. the one {@code newFactory()} returned
     * @param hash the blob to damage
     * @return true if the blob was stored and is now damaged
     */
    public static boolean corruptBlob(SessionStoreFactory factory, ContentHash hash) {
        Objects.requireNonNull(hash, "hash");
        if (!(factory instanceof MemorySessionStoreFactory memory)) {
            throw new IllegalArgumentException("not a memory factory: " + factory);
        }
        // Replace the array rather than change it: stored arrays are never written to.
        return memory.backend().blobs.computeIfPresent(hash, (h, bytes) -> {
            byte[] damaged = bytes.length == 0 ? new byte[] {1} : bytes.clone();
            damaged[0] ^= 0x5a;
            return damaged;
        }) != null;
    }
}
