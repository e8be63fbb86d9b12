package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.postgres.testing.PostgresTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A server that stops answering (every process of it stopped with SIGSTOP) does not block a caller
 * for ever: a commit or read fails within the socket timeout with a {@link PersistenceException} that
 * says so, writes nothing, and the same factory works again once the server resumes (SIGCONT).
 */
class FrozenServerTest {
    /** Far above the 1 s timeouts: only a call that hangs comes near it. */
    private static final Duration HANG = Duration.ofSeconds(60);

    @Test
    void aFrozenServerFailsCallsWithinTheTimeoutAndTheStoreRecoversWhenItResumes() throws Exception {
        PostgresTestServer server = PostgresTestServer.get();
        Assumptions.assumeFalse(server.external(), "an external server (CAIRN_PG_URL) cannot be frozen from here");
        String location = Pg.freshLocation("frozen", "socket-timeout-ms=1000&connect-timeout-ms=1000&readers=1&writers=1");
        try (PostgresSessionStoreFactory factory = Pg.open(location)) {
            RuntimePersistence store = factory.createStore(SessionStoreCreateRequest.of("s"));
            store.commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.root("n1", NodeKind.USER_INPUT, new byte[] {1})).build());
            List<String> messages = new ArrayList<>();
            // right after a call (the pooled connection is handed out unchecked: the statement itself waits),
            // then after a pause (the pool checks the idle connection first)
            for (Duration pause : List.of(Duration.ZERO, Duration.ofMillis(800))) {
                store.loadSession(SessionReadScope.activePath()).orElseThrow();
                Thread.sleep(pause.toMillis());
                server.whileFrozen(() -> {
                    PersistenceException commit = assertTimeoutPreemptively(HANG, () -> assertThrows(
                            PersistenceException.class, () -> store.commitRuntimeState(RuntimeCommit.expecting(1)
                                    .append(NewNode.child("n2", "n1", NodeKind.ASSISTANT_RESPONSE, new byte[] {2}))
                                    .build())));
                    messages.add(commit.getMessage());
                    PersistenceException read = assertTimeoutPreemptively(HANG, () -> assertThrows(
                            PersistenceException.class, () -> store.loadSession(SessionReadScope.activePath())));
                    messages.add(read.getMessage());
                });
                assertEquals(1, assertTimeoutPreemptively(HANG, () -> store.loadSession(SessionReadScope.fullGraph()))
                        .orElseThrow().nodes().size(), "the failed commit wrote nothing (pause " + pause + ")");
            }
            for (String message : messages) {
                assertTrue(message.contains("did not answer within 1000 ms")
                        || message.contains("no connection within 1000 ms"), message);
                assertTrue(message.contains("nothing of it was written"), message);
            }
            store.commitRuntimeState(RuntimeCommit.expecting(1)
                    .append(NewNode.child("n2", "n1", NodeKind.ASSISTANT_RESPONSE, new byte[] {2})).build());
            assertEquals(2, store.loadSession(SessionReadScope.activePath()).orElseThrow().head().revision());
        }
    }
}
