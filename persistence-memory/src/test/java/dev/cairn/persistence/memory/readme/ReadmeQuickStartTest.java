package dev.cairn.persistence.memory.readme;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.TokenUsage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quick start of the root README, kept compiling and true. Change both together. */
class ReadmeQuickStartTest {

    @Test
    void quickStartWorksAsWritten() {
        try (SessionStoreFactory factory = SessionStores.open("memory:")) {
            RuntimePersistence chat = factory.createStore(
                    SessionStoreCreateRequest.of("chat-1").withName("First chat").withModel("demo"));

            RuntimeCommitResult r = chat.commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.root("u1", NodeKind.USER_INPUT, "{\"text\":\"hi\"}".getBytes(UTF_8)))
                    .append(NewNode.child("a1", "u1", NodeKind.ASSISTANT_RESPONSE, "{\"text\":\"hello\"}".getBytes(UTF_8)))
                    .head("a1")
                    .checkpoint("tool_state", "{}".getBytes(UTF_8))
                    .usage("a1", "demo", TokenUsage.of(12, 3))
                    .build());
            assertEquals(1, r.revision());

            PersistedSessionRead read = chat.loadSession(SessionReadScope.activePath()).orElseThrow();
            assertEquals(List.of("u1", "a1"), read.nodes().stream().map(SessionNode::nodeId).toList());
            assertEquals(TokenUsage.of(12, 3), read.usage().total());

            RuntimePersistence fork = factory.forkSession(ForkRequest.of("chat-1", "u1", "chat-1-alt"));
            fork.commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.child("a1b", "u1", NodeKind.ASSISTANT_RESPONSE, "{\"text\":\"hey\"}".getBytes(UTF_8)))
                    .head("a1b")
                    .build());
            assertEquals(List.of("u1", "a1b"), fork.loadSession(SessionReadScope.activePath()).orElseThrow()
                    .nodes().stream().map(SessionNode::nodeId).toList());
            assertEquals(List.of("u1", "a1"), chat.loadSession(SessionReadScope.activePath()).orElseThrow()
                    .nodes().stream().map(SessionNode::nodeId).toList());
        }
    }
}
