package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewBlob;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.UsageRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Rebuilds commits with another expected revision or key, as broken stores do. */
final class Commits {
    private Commits() {
    }

    static RuntimeCommit rebuild(RuntimeCommit c, OptionalLong expected, Optional<String> key) {
        RuntimeCommit.Builder b = expected.isPresent() ? RuntimeCommit.expecting(expected.getAsLong())
                : RuntimeCommit.unconditional();
        Map<ContentHash, String> attachedAs = new HashMap<>();
        for (NewNode n : c.nodes()) {
            for (BlobRef r : n.attachments()) {
                attachedAs.putIfAbsent(r.hash(), r.mediaType());
            }
        }
        for (NewBlob blob : c.blobs().values()) {
            String type = attachedAs.get(blob.hash());
            if (type != null) {
                b.attach(blob.bytes(), type);
            }
        }
        c.nodes().forEach(b::append);
        c.head().ifPresent(b::head);
        c.checkpoint().forEach((slot, ref) -> b.checkpoint(slot, c.blobs().get(ref.hash()).bytes()));
        for (UsageRecord u : c.usage()) {
            b.usage(u.nodeId(), u.model(), u.usage());
        }
        key.ifPresent(b::idempotencyKey);
        return b.build();
    }

    static RuntimeCommit unconditional(RuntimeCommit c) {
        return rebuild(c, OptionalLong.empty(), c.idempotencyKey());
    }

    static RuntimeCommit withoutKey(RuntimeCommit c) {
        return rebuild(c, c.expectedRevision(), Optional.empty());
    }
}
