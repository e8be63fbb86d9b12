package dev.cairn.persistence.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.TokenUsage;
import java.util.List;
import java.util.Map;

/**
 * A populated store: session {@code demo} with JSON, text and binary payloads, an attachment,
 * checkpoints at two nodes (one slot shadowed), usage on two models, a live side branch and a
 * tombstoned branch; {@code fork-1}, a fork of demo at {@code a1}; and {@code empty}, no nodes.
 *
 * <pre>
 * u1 user_input (image attachment)
 * ├── a1 assistant_response          checkpoint tool_state=v1, prompt=p1
 * │   ├── c1 tool_call
 * │   │   r1 tool_result (binary)    checkpoint tool_state=v2
 * │   │   a2 assistant_response (text) [head]
 * │   └── u2b user_input             [tombstoned]
 * │       a2b assistant_response     [tombstoned]
 * └── x1 user_input                  (live side branch)
 * </pre>
 */
final class Fixtures {
    static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, (byte) 0xff};
    static final byte[] BINARY = {0, 1, 2, (byte) 0xfe, (byte) 0xff, (byte) 0xc3};
    static final byte[] TOOL_STATE_V1 = "{\"open_files\":[]}".getBytes(UTF_8);
    static final byte[] TOOL_STATE_V2 = "{\"open_files\":[\"README.md\"]}".getBytes(UTF_8);
    static final byte[] PROMPT = "You are a careful assistant.".getBytes(UTF_8);

    private Fixtures() {
    }

    static byte[] json(String s) {
        return s.getBytes(UTF_8);
    }

    static void populate(SessionStoreFactory factory) {
        factory.createStore(SessionStoreCreateRequest.of("empty").withName("Nothing yet")).close();
        try (RuntimePersistence s = factory.createStore(SessionStoreCreateRequest.of("demo").withName("Demo chat")
                .withModel("demo-model").withCwd("/work").withAttributes(Map.of("user", "ada")))) {
            RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
            BlobRef image = b.attach(IMAGE, "image/png");
            b.append(NewNode.root("u1", NodeKind.USER_INPUT, json("{\"text\":\"What is in this picture?\"}"), image))
                    .append(NewNode.child("a1", "u1", NodeKind.ASSISTANT_RESPONSE,
                            json("{\"text\":\"Let me look.\",\"tool\":\"vision\"}")))
                    .head("a1")
                    .checkpoint("tool_state", TOOL_STATE_V1)
                    .checkpoint("prompt", PROMPT)
                    .usage("a1", "demo-model", new TokenUsage(120, 30, 100, 5));
            s.commitRuntimeState(b.build());
            s.commitRuntimeState(RuntimeCommit.expecting(1)
                    .append(NewNode.child("c1", "a1", NodeKind.TOOL_CALL, json("{\"name\":\"vision\",\"args\":{}}")))
                    .append(NewNode.child("r1", "c1", NodeKind.TOOL_RESULT, BINARY))
                    .head("r1")
                    .checkpoint("tool_state", TOOL_STATE_V2)
                    .build());
            s.commitRuntimeState(RuntimeCommit.expecting(2)
                    .append(NewNode.child("a2", "r1", NodeKind.ASSISTANT_RESPONSE, json("A cat on a mat.\nDone.")))
                    .head("a2")
                    .usage("a2", "other-model", TokenUsage.of(200, 40))
                    .build());
            s.commitRuntimeState(RuntimeCommit.expecting(3)
                    .append(NewNode.child("u2b", "a1", NodeKind.USER_INPUT, json("{\"text\":\"never mind\"}")))
                    .append(NewNode.child("a2b", "u2b", NodeKind.ASSISTANT_RESPONSE, json("{\"text\":\"ok\"}")))
                    .usage("a2b", "demo-model", TokenUsage.of(50, 10))
                    .build());
            s.commitRuntimeState(RuntimeCommit.expecting(4)
                    .append(NewNode.child("x1", "u1", NodeKind.USER_INPUT, json("[1, 2, 3]")))
                    .build());
            s.tombstoneNodes(List.of("u2b"));
        }
        factory.forkSession(ForkRequest.of("demo", "a1", "fork-1")).close();
    }
}
