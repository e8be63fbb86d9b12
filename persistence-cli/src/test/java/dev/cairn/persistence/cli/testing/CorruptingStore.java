package dev.cairn.persistence.cli.testing;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.tck.ForwardingRuntimePersistence;
import java.util.Optional;

/** A store whose one blob and one payload are damaged; everything else is the delegate's. */
final class CorruptingStore extends ForwardingRuntimePersistence {
    private final Optional<ContentHash> blob;
    private final Optional<String> payload;

    CorruptingStore(RuntimePersistence delegate, Optional<ContentHash> blob, Optional<String> payload) {
        super(delegate);
        this.blob = blob;
        this.payload = payload;
    }

    private SessionNode damage(SessionNode n) {
        if (payload.isEmpty() || !payload.get().equals(n.nodeId())) {
            return n;
        }
        byte[] p = n.payload();
        byte[] bad = p.length == 0 ? new byte[] {1} : p;
        bad[0] ^= 0x20;
        return new SessionNode(n.nodeId(), n.parentNodeId(), n.kind(), bad, n.attachments(), n.seq(), n.createdAt(),
                n.tombstoned(), n.payloadHash());
    }

    @Override
    public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
        return super.loadSession(scope).map(r -> new PersistedSessionRead(r.meta(), r.head(),
                r.nodes().stream().map(this::damage).toList(), r.checkpoint(), r.usage()));
    }

    @Override
    public Optional<SessionNode> loadNode(String nodeId) {
        return super.loadNode(nodeId).map(this::damage);
    }

    @Override
    public Optional<byte[]> loadBlob(ContentHash hash) {
        if (blob.isPresent() && blob.get().equals(hash)) {
            throw new StoreCorruptedException("Blob " + hash + " is corrupted: its stored bytes hash to something else");
        }
        return super.loadBlob(hash);
    }
}
