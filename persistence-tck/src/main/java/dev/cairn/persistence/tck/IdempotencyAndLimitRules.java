package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import org.junit.jupiter.api.Test;

/** Rules 7 (idempotency keys) and 8 (size limits). */
abstract class IdempotencyAndLimitRules extends KitRules {
    private static final int MAX_PAYLOAD = 37;
    private static final long MAX_BLOB = 41;
    private static final StorePolicy SMALL = new StorePolicy(MAX_PAYLOAD, MAX_BLOB);

    IdempotencyAndLimitRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    private static RuntimeCommit.Builder step(long expected, String id, String parent) {
        RuntimeCommit.Builder b = RuntimeCommit.expecting(expected);
        BlobRef ref = b.attach(Fx.utf8("attachment of " + id), "text/plain");
        return b.append(Fx.child(id, parent, ref)).head(id).checkpoint("tool_state", Fx.utf8("state at " + id))
                .usage(id, "m", TokenUsage.of(10, 5));
    }

    @Test
    void rule07_sameKeyAndContentReplaysTheFirstResultAndWritesNothing() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        RuntimeCommitResult first = commit(s, step(1, "x", "n1").idempotencyKey("turn-1"));
        check(!first.replayed(), "the first commit with a key came back replayed");
        Snapshot before = snapshot(s);
        RuntimeCommitResult again = commit(s, step(1, "x", "n1").idempotencyKey("turn-1"));
        check(again.replayed(), "a repeated commit with the same key and content was not marked replayed");
        checkEquals(first.asReplayed(), again, "the replayed result (revision, head, committedAt, checkpoint)");
        checkUnchanged(before, snapshot(s), "a replayed commit");
        checkEquals(2L, revision(s), "revision after a commit and its replay");
    }

    @Test
    void rule07_replayWorksAfterTheRevisionMoved() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        RuntimeCommitResult first = commit(s, step(1, "x", "n1").idempotencyKey("turn-1"));
        commit(s, RuntimeCommit.expecting(2).append(Fx.child("y", "x")).head("y"));
        commit(s, RuntimeCommit.expecting(3).head("n1"));
        Snapshot before = snapshot(s);
        RuntimeCommitResult reloaded = commit(s, step(4, "x", "n1").idempotencyKey("turn-1"));
        checkEquals(first.asReplayed(), reloaded, "replay of a retry that reloaded the revision (now 4)");
        RuntimeCommitResult stale = commit(s, step(1, "x", "n1").idempotencyKey("turn-1"));
        checkEquals(first.asReplayed(), stale, "replay of a retry with the original, now stale, revision");
        RuntimeCommitResult any = commit(s, rebuildUnconditional("x", "n1", "turn-1"));
        checkEquals(first.asReplayed(), any, "replay of an unconditional retry");
        checkUnchanged(before, snapshot(s), "replays after the revision moved");
    }

    private static RuntimeCommit rebuildUnconditional(String id, String parent, String key) {
        RuntimeCommit.Builder b = RuntimeCommit.unconditional();
        BlobRef ref = b.attach(Fx.utf8("attachment of " + id), "text/plain");
        return b.append(Fx.child(id, parent, ref)).head(id).checkpoint("tool_state", Fx.utf8("state at " + id))
                .usage(id, "m", TokenUsage.of(10, 5)).idempotencyKey(key).build();
    }

    @Test
    void rule07_sameKeyWithOtherContentConflictsAndWritesNothing() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        commit(s, step(1, "x", "n1").idempotencyKey("turn-1"));
        byte[] newBlob = Fx.utf8("attachment of z");
        Snapshot before = snapshot(s, ContentHash.of(newBlob));
        IdempotencyConflictException e = checkThrows(IdempotencyConflictException.class,
                () -> s.commitRuntimeState(step(2, "z", "x").idempotencyKey("turn-1").build()),
                "a commit reusing key 'turn-1' with other nodes");
        checkEquals("turn-1", e.idempotencyKey(), "IdempotencyConflictException.idempotencyKey()");
        checkThrows(IdempotencyConflictException.class, () -> s.commitRuntimeState(
                RuntimeCommit.expecting(2).append(Fx.child("x2", "x")).usage("x", "m", TokenUsage.of(10, 6))
                        .idempotencyKey("turn-1").build()), "a commit reusing key 'turn-1' with other usage");
        checkThrows(IdempotencyConflictException.class,
                () -> s.commitRuntimeState(step(0, "z", "x").idempotencyKey("turn-1").build()),
                "a commit reusing key 'turn-1' with other content and a stale revision: the key is checked before"
                        + " the revision");
        checkUnchanged(before, snapshot(s, ContentHash.of(newBlob)), "commits refused for a reused key");
    }

    @Test
    void rule07_keysSurviveTombstonesGcAndVacuum() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        RuntimeCommitResult first = commit(s, step(1, "x", "n1").idempotencyKey("turn-1"));
        commit(s, RuntimeCommit.expecting(2).head("n1"));
        checkEquals(1, s.tombstoneNodes(java.util.List.of("x")), "tombstoneNodes([x])");
        must("gcUnreachable", s::gcUnreachable);
        must("vacuum", s::vacuum);
        Snapshot before = snapshot(s);
        RuntimeCommitResult again = commit(s, step(3, "x", "n1").idempotencyKey("turn-1"));
        checkEquals(first.asReplayed(), again, "the retry of a commit whose node was tombstoned, detached and vacuumed"
                + " (keys are kept until the session is deleted)");
        checkUnchanged(before, snapshot(s), "a replay after gc and vacuum");
    }

    @Test
    void rule07_failedCommitRecordsNoKey() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(1)
                .append(Fx.child("x", "missing")).idempotencyKey("turn-1").build()), "a commit with an unknown parent");
        RuntimeCommitResult r = commit(s, step(1, "x", "n1").idempotencyKey("turn-1"));
        check(!r.replayed(), "a key used only by a failed commit replayed a later, different commit");
        checkEquals(2L, r.revision(), "revision of the first successful commit with the key");
    }

    @Test
    void rule07_keysArePerSession() {
        RuntimePersistence a = open("a");
        RuntimePersistence b = open("b");
        chain(a, "n", 1);
        chain(b, "n", 1);
        commit(a, step(1, "x", "n1").idempotencyKey("turn-1"));
        RuntimeCommitResult other = commit(b, step(1, "x", "n1").idempotencyKey("turn-1"));
        check(!other.replayed(), "the same key and content in another session was replayed: keys are per session");
        checkEquals(2L, revision(b), "revision of the other session");
    }

    @Test
    void rule08_payloadOverTheLimitIsRefusedNamingLimitAndSize() {
        RuntimePersistence s = open("s", SMALL);
        Snapshot before = snapshot(s);
        NewNode big = NewNode.root("big", NodeKind.USER_INPUT, new byte[MAX_PAYLOAD + 1]);
        InvalidRequestException e = checkThrows(InvalidRequestException.class,
                () -> s.commitRuntimeState(RuntimeCommit.expecting(0).append(big).head("big").build()),
                "a payload of " + (MAX_PAYLOAD + 1) + " bytes with maxPayloadBytes=" + MAX_PAYLOAD);
        String m = String.valueOf(e.getMessage());
        check(m.contains(String.valueOf(MAX_PAYLOAD)) && m.contains(String.valueOf(MAX_PAYLOAD + 1)),
                "the message should name the limit " + MAX_PAYLOAD + " and the size " + (MAX_PAYLOAD + 1) + ": " + m,
                "the exception's message");
        checkUnchanged(before, snapshot(s), "a payload over the limit");
        commit(s, RuntimeCommit.expecting(0).append(NewNode.root("ok", NodeKind.USER_INPUT, new byte[MAX_PAYLOAD]))
                .head("ok"));
    }

    @Test
    void rule08_attachmentOverTheLimitIsRefusedNamingLimitAndSize() {
        RuntimePersistence s = open("s", SMALL);
        chain(s, "n", 1);
        byte[] bytes = Fx.random(8, (int) MAX_BLOB + 1);
        Snapshot before = snapshot(s, ContentHash.of(bytes));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(1);
        BlobRef ref = b.attach(bytes, "application/octet-stream");
        InvalidRequestException e = checkThrows(InvalidRequestException.class,
                () -> s.commitRuntimeState(b.append(Fx.child("x", "n1", ref)).build()),
                "an attachment of " + (MAX_BLOB + 1) + " bytes with maxBlobBytes=" + MAX_BLOB);
        String m = String.valueOf(e.getMessage());
        check(m.contains(String.valueOf(MAX_BLOB)) && m.contains(String.valueOf(MAX_BLOB + 1)),
                "the message should name the limit " + MAX_BLOB + " and the size " + (MAX_BLOB + 1) + ": " + m,
                "the exception's message");
        checkUnchanged(before, snapshot(s, ContentHash.of(bytes)), "an attachment over the limit");
        RuntimeCommit.Builder ok = RuntimeCommit.expecting(1);
        BlobRef fits = ok.attach(Fx.random(9, (int) MAX_BLOB), "application/octet-stream");
        commit(s, ok.append(Fx.child("x", "n1", fits)));
    }

    @Test
    void rule08_checkpointOverTheLimitIsRefused() {
        RuntimePersistence s = open("s", SMALL);
        chain(s, "n", 1);
        byte[] bytes = Fx.random(10, (int) MAX_BLOB + 1);
        Snapshot before = snapshot(s, ContentHash.of(bytes));
        checkThrows(InvalidRequestException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(1)
                .checkpoint("tool_state", bytes).build()), "a checkpoint slot over maxBlobBytes");
        checkUnchanged(before, snapshot(s, ContentHash.of(bytes)), "a checkpoint slot over the limit");
    }

    @Test
    void rule08_limitsAreCheckedBeforeTheRevision() {
        RuntimePersistence s = open("s", SMALL);
        chain(s, "n", 2);
        NewNode big = NewNode.child("big", "n2", NodeKind.USER_INPUT, new byte[MAX_PAYLOAD + 1]);
        checkThrows(InvalidRequestException.class,
                () -> s.commitRuntimeState(RuntimeCommit.expecting(0).append(big).build()),
                "an oversize payload in a commit with a stale revision: size limits come before the revision");
    }

    @Test
    void rule08_thePolicyBelongsToTheStoreHandle() {
        RuntimePersistence small = open("s", SMALL);
        chain(small, "n", 1);
        NewNode big = NewNode.child("big", "n1", NodeKind.USER_INPUT, new byte[MAX_PAYLOAD + 1]);
        checkThrows(InvalidRequestException.class, () -> small.commitRuntimeState(RuntimeCommit.expecting(1)
                .append(big).build()), "an oversize payload through the handle with the small policy");
        RuntimePersistence dflt = factory().openExisting("s").orElseThrow();
        commit(dflt, RuntimeCommit.expecting(1).append(big));
        RuntimePersistence roomy = factory().createStore(SessionStoreCreateRequest.of("s")
                .withPolicy(new StorePolicy(1000, 1000)));
        commit(roomy, RuntimeCommit.expecting(2).append(NewNode.child("big2", "n1", NodeKind.USER_INPUT,
                new byte[MAX_PAYLOAD + 5])));
        checkThrows(InvalidRequestException.class, () -> small.commitRuntimeState(RuntimeCommit.expecting(3)
                .append(NewNode.child("big3", "n1", NodeKind.USER_INPUT, new byte[MAX_PAYLOAD + 1])).build()),
                "the small handle after other handles with larger policies committed");
    }

    @Test
    void rule08_openExistingHoldsTheHandleToTheGivenPolicy() {
        RuntimePersistence roomy = open("s");
        chain(roomy, "n", 1);
        RuntimePersistence small = must("openExisting(id, policy)", () -> factory().openExisting("s", SMALL))
                .orElseThrow(() -> new AssertionError("openExisting(\"s\", policy) found no session \"s\""));
        Snapshot before = snapshot(small);
        NewNode big = NewNode.child("big", "n1", NodeKind.USER_INPUT, new byte[MAX_PAYLOAD + 1]);
        InvalidRequestException e = checkThrows(InvalidRequestException.class, () -> small.commitRuntimeState(
                RuntimeCommit.expecting(1).append(big).build()),
                "an oversize payload through a handle opened with openExisting(id, small policy)");
        String m = String.valueOf(e.getMessage());
        check(m.contains(String.valueOf(MAX_PAYLOAD)), "the message should name the limit " + MAX_PAYLOAD + ": " + m,
                "the exception's message");
        checkUnchanged(before, snapshot(small), "a payload over the reopened handle's limit");
        byte[] blob = Fx.random(11, (int) MAX_BLOB + 1);
        checkThrows(InvalidRequestException.class, () -> small.commitRuntimeState(RuntimeCommit.expecting(1)
                .checkpoint("tool_state", blob).build()), "a checkpoint slot over the reopened handle's maxBlobBytes");
        commit(small, RuntimeCommit.expecting(1).append(NewNode.child("fits", "n1", NodeKind.USER_INPUT,
                new byte[MAX_PAYLOAD])));
        RuntimePersistence dflt = factory().openExisting("s").orElseThrow();
        commit(dflt, RuntimeCommit.expecting(2).append(big));
        check(factory().openExisting("absent", SMALL).isEmpty(), "openExisting(id, policy) of a session that does"
                + " not exist should be empty", "openExisting");
    }

    @Test
    void rule08_aForkUsesItsOwnPolicy() {
        RuntimePersistence s = open("s");
        chain(s, "n", 2);
        RuntimePersistence f = must("forkSession", () -> factory().forkSession(new ForkRequest("s", "n2", "f", SMALL)));
        checkThrows(InvalidRequestException.class, () -> f.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(NewNode.child("big", "n2", NodeKind.USER_INPUT, new byte[MAX_PAYLOAD + 1])).build()),
                "an oversize payload through a fork made with a small policy");
    }
}
