package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Rules 7 and 8 field by field and byte by byte: every field the idempotency fingerprint covers, and
 * every limit at exactly its value and one more, for every kind of bytes it applies to.
 */
abstract class FingerprintAndLimitRules extends KitRules {
    private static final int MAX_PAYLOAD = 29;
    private static final long MAX_BLOB = 31;
    private static final StorePolicy SMALL = new StorePolicy(MAX_PAYLOAD, MAX_BLOB);
    private static final String KEY = "turn-7";

    FingerprintAndLimitRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /** The parts of the keyed commit; each variant changes exactly one of them. */
    private static final class Parts {
        String yId = "y";
        String yParent = "x";
        NodeKind yKind = NodeKind.TOOL_CALL;
        String yPayload = "payload of y";
        String attachment = "attachment of x";
        String mediaType = "text/plain";
        String head = "y";
        String slot2 = "s2";
        String slot1Bytes = "state s1";
        String usageNode = "y";
        String usageModel = "Model-B";
        TokenUsage usage = new TokenUsage(3, 4, 5, 6);
        boolean extraNode;
        boolean extraUsage;

        RuntimeCommit build(long expected) {
            RuntimeCommit.Builder b = RuntimeCommit.expecting(expected);
            BlobRef ref = b.attach(Fx.utf8(attachment), mediaType);
            b.append(Fx.child("x", "n1", ref));
            b.append(NewNode.child(yId, yParent, yKind, Fx.utf8(yPayload)));
            if (extraNode) {
                b.append(Fx.child("z", "x"));
            }
            if (!head.isEmpty()) {
                b.head(head);
            }
            b.checkpoint("s1", Fx.utf8(slot1Bytes)).checkpoint(slot2, Fx.utf8("state s2"));
            b.usage("x", "model-a", TokenUsage.of(1, 2)).usage(usageNode, usageModel, usage);
            if (extraUsage) {
                b.usage("x", "model-a", TokenUsage.of(1, 1));
            }
            return b.idempotencyKey(KEY).build();
        }
    }

    private static Map<String, Consumer<Parts>> variants() {
        Map<String, Consumer<Parts>> v = new LinkedHashMap<>();
        v.put("the id of node y", p -> p.yId = "y2");
        v.put("the parent of node y", p -> p.yParent = "n1");
        v.put("the kind of node y", p -> p.yKind = NodeKind.TOOL_RESULT);
        v.put("the payload of node y", p -> p.yPayload = "payload of y!");
        v.put("one more node", p -> p.extraNode = true);
        v.put("the blob attached to node x", p -> p.attachment = "attachment of x!");
        v.put("the media type of x's attachment", p -> p.mediaType = "text/markdown");
        v.put("the head", p -> p.head = "x");
        v.put("no head", p -> p.head = "");
        v.put("the bytes of slot s1", p -> p.slot1Bytes = "state s1!");
        v.put("the name of slot s2", p -> p.slot2 = "s3");
        v.put("the node of a usage record", p -> p.usageNode = "x");
        v.put("the model of a usage record (case only)", p -> p.usageModel = "model-b");
        v.put("the input tokens of a usage record", p -> p.usage = new TokenUsage(4, 4, 5, 6));
        v.put("the output tokens of a usage record", p -> p.usage = new TokenUsage(3, 5, 5, 6));
        v.put("the cached input tokens of a usage record", p -> p.usage = new TokenUsage(3, 4, 6, 6));
        v.put("the reasoning tokens of a usage record", p -> p.usage = new TokenUsage(3, 4, 5, 7));
        v.put("one more usage record", p -> p.extraUsage = true);
        return v;
    }

    @Test
    void rule07_changingAnySingleFieldTheFingerprintCoversConflicts() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        RuntimeCommitResult first = commit(s, new Parts().build(1));
        List<ContentHash> watched = new ArrayList<>();
        for (Map.Entry<String, Consumer<Parts>> e : variants().entrySet()) {
            Parts p = new Parts();
            e.getValue().accept(p);
            RuntimeCommit c = p.build(2);
            watched.addAll(c.blobs().keySet());
        }
        Snapshot before = snapshot(s, watched.toArray(ContentHash[]::new));
        for (Map.Entry<String, Consumer<Parts>> e : variants().entrySet()) {
            Parts p = new Parts();
            e.getValue().accept(p);
            RuntimeCommit c = p.build(2);
            checkThrows(IdempotencyConflictException.class, () -> s.commitRuntimeState(c), "a retry of key '" + KEY
                    + "' that changes only " + e.getKey(), "that the stored fingerprint is RuntimeCommit.fingerprint()"
                    + " of the whole commit (nodes, head, slots, attachments with size and media type, usage) and"
                    + " that a retry compares all of it");
        }
        checkUnchanged(before, snapshot(s, watched.toArray(ContentHash[]::new)), "retries refused for a changed field");
        checkEquals(first.asReplayed(), commit(s, new Parts().build(2)), "the unchanged retry after the refused ones");
    }

    // ------------------------------------------------------------------ limits at the boundary

    private RuntimePersistence small() {
        RuntimePersistence s = open("s", SMALL);
        chain(s, "n", 1);
        return s;
    }

    @Test
    void rule08_aPayloadOfExactlyTheLimitIsAcceptedAndOneMoreRefused() {
        RuntimePersistence s = small();
        Snapshot before = snapshot(s);
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(1)
                .append(NewNode.child("over", "n1", NodeKind.USER_INPUT, new byte[MAX_PAYLOAD + 1])).build()),
                "a payload of maxPayloadBytes + 1 = " + (MAX_PAYLOAD + 1) + " bytes");
        checkUnchanged(before, snapshot(s), "a payload one byte over the limit");
        commit(s, RuntimeCommit.expecting(1).append(NewNode.child("exact", "n1", NodeKind.USER_INPUT,
                new byte[MAX_PAYLOAD])));
    }

    @Test
    void rule08_anAttachmentOfExactlyTheLimitIsAcceptedAndOneMoreRefused() {
        RuntimePersistence s = small();
        byte[] over = Fx.random(81, (int) MAX_BLOB + 1);
        Snapshot before = snapshot(s, ContentHash.of(over));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(1);
        BlobRef ref = b.attach(over, BlobRef.OCTET_STREAM);
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(b.append(Fx.child("x", "n1", ref))
                .build()), "an attachment of maxBlobBytes + 1 = " + (MAX_BLOB + 1) + " bytes");
        checkUnchanged(before, snapshot(s, ContentHash.of(over)), "an attachment one byte over the limit");
        RuntimeCommit.Builder ok = RuntimeCommit.expecting(1);
        byte[] exact = Fx.random(82, (int) MAX_BLOB);
        BlobRef fits = ok.attach(exact, BlobRef.OCTET_STREAM);
        commit(s, ok.append(Fx.child("x", "n1", fits)));
        checkBytes(exact, s.loadBlob(fits.hash()), "an attachment of exactly maxBlobBytes", null);
    }

    @Test
    void rule08_aCheckpointSlotOfExactlyTheLimitIsAcceptedAndOneMoreRefused() {
        RuntimePersistence s = small();
        byte[] over = Fx.random(83, (int) MAX_BLOB + 1);
        Snapshot before = snapshot(s, ContentHash.of(over));
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(1)
                .checkpoint("s", over).build()), "a checkpoint slot of maxBlobBytes + 1 = " + (MAX_BLOB + 1) + " bytes");
        checkUnchanged(before, snapshot(s, ContentHash.of(over)), "a checkpoint slot one byte over the limit");
        byte[] exact = Fx.random(84, (int) MAX_BLOB);
        commit(s, RuntimeCommit.expecting(1).checkpoint("s", exact));
        checkBytes(exact, s.loadBlob(ContentHash.of(exact)), "a checkpoint slot of exactly maxBlobBytes", null);
    }

    @Test
    void rule08_everyKindOverTheLimitIsRefusedBeforeTheRevision() {
        RuntimePersistence s = small();
        chain(s, "m", 1);
        Snapshot before = snapshot(s);
        Map<String, RuntimeCommit> over = new LinkedHashMap<>();
        over.put("a payload", RuntimeCommit.expecting(0).append(NewNode.child("p", "n1", NodeKind.USER_INPUT,
                new byte[MAX_PAYLOAD + 1])).build());
        RuntimeCommit.Builder a = RuntimeCommit.expecting(0);
        BlobRef ref = a.attach(Fx.random(85, (int) MAX_BLOB + 1), BlobRef.OCTET_STREAM);
        over.put("an attachment", a.append(Fx.child("a", "n1", ref)).build());
        over.put("a checkpoint slot", RuntimeCommit.expecting(0).checkpoint("s", Fx.random(86, (int) MAX_BLOB + 1))
                .build());
        for (Map.Entry<String, RuntimeCommit> e : over.entrySet()) {
            checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(e.getValue()), e.getKey()
                    + " one byte over its limit in a commit that also expects a stale revision (0, the session is at"
                    + " 2): the SPEC checks size limits before the revision", "the order of a commit's checks: closed,"
                    + " session, idempotency key, size limits, revision, graph");
        }
        checkUnchanged(before, snapshot(s), "commits over a limit with a stale revision");
    }

    @Test
    void rule08_aRefusedCommitLeavesNoneOfItsBlobs() {
        RuntimePersistence s = small();
        List<byte[]> fitting = List.of(Fx.random(87, 7), Fx.random(88, (int) MAX_BLOB), Fx.utf8("slot that fits"));
        byte[] over = Fx.random(89, (int) MAX_BLOB + 1);
        List<ContentHash> watched = new ArrayList<>();
        fitting.forEach(b -> watched.add(ContentHash.of(b)));
        watched.add(ContentHash.of(over));
        Snapshot before = snapshot(s, watched.toArray(ContentHash[]::new));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(1);
        BlobRef first = b.attach(fitting.get(0), BlobRef.OCTET_STREAM);
        BlobRef second = b.attach(fitting.get(1), BlobRef.OCTET_STREAM);
        BlobRef last = b.attach(over, BlobRef.OCTET_STREAM);
        b.append(Fx.child("a", "n1", first, second)).append(Fx.child("b", "a", last)).head("b")
                .checkpoint("s", fitting.get(2));
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(b.build()),
                "a commit whose third blob is one byte over maxBlobBytes");
        checkUnchanged(before, snapshot(s, watched.toArray(ContentHash[]::new)), "a commit refused for its last blob,"
                + " after blobs that fit (none of them may be loadable)");
    }
}
