package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.TokenUsage;
import java.util.Optional;

/**
 * The commits of the durability test, derived from the revision alone, so that the parent JVM can
 * check what a killed child JVM committed. Commit {@code r} (it makes revision {@code r}) appends
 * {@code d<r>a} (a tool call under the previous {@code d<r-1>b}, with an attachment) and
 * {@code d<r>b} (its result), moves the head to {@code d<r>b}, checkpoints slot {@code state} (and
 * {@code even} on even revisions) and records usage on {@code d<r>b}, under the key {@code dur-<r>}.
 */
final class DurableSteps {
    static final String SESSION = "durable";

    private DurableSteps() {
    }

    static String a(long r) {
        return "d" + r + "a";
    }

    static String b(long r) {
        return "d" + r + "b";
    }

    static byte[] payloadA(long r) {
        return Fx.utf8("{\"call\":" + r + ",\"pad\":\"" + "x".repeat((int) (r % 37)) + "\"}");
    }

    static byte[] payloadB(long r) {
        return Fx.random(r, 16 + (int) (r % 50));
    }

    static byte[] attachment(long r) {
        return Fx.utf8("attachment of revision " + r + " " + "y".repeat((int) (r % 29)));
    }

    static byte[] state(long r) {
        return Fx.utf8("state at revision " + r);
    }

    static byte[] even(long r) {
        return Fx.utf8("even state at revision " + r);
    }

    static BlobRef attachmentRef(long r) {
        return BlobRef.of(attachment(r), "text/plain");
    }

    static String model(long r) {
        return "m" + (r % 3);
    }

    static TokenUsage usage(long r) {
        return new TokenUsage(r, 2 * r, r / 2, r % 5);
    }

    /** @return commit {@code r}, expecting revision {@code r - 1} */
    static RuntimeCommit commit(long r) {
        RuntimeCommit.Builder c = RuntimeCommit.expecting(r - 1);
        BlobRef ref = c.attach(attachment(r), "text/plain");
        c.append(NewNode.of(a(r), r == 1 ? Optional.empty() : Optional.of(b(r - 1)), NodeKind.TOOL_CALL, payloadA(r), ref))
                .append(NewNode.child(b(r), a(r), NodeKind.TOOL_RESULT, payloadB(r)))
                .head(b(r))
                .checkpoint("state", state(r))
                .usage(b(r), model(r), usage(r))
                .idempotencyKey("dur-" + r);
        if (r % 2 == 0) {
            c.checkpoint("even", even(r));
        }
        return c.build();
    }
}
