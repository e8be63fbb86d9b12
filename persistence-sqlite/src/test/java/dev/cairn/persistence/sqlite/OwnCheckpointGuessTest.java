package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The node insert of a slot commit guesses the new head's {@code nid} (one more than the largest) to
 * point its {@code ck_nid} at itself (issue 17). When the largest rowid is SQLite's largest integer,
 * SQLite picks another rowid and the guess is wrong: the engine must then set {@code ck_nid} itself,
 * or the head's slots and its children's inherited ones would not resolve.
 */
class OwnCheckpointGuessTest {
    @Test
    void aWrongRowidGuessStillLeavesTheHeadOnItsOwnCheckpoint() throws SQLException {
        Path dir = TestDirs.fresh("own-checkpoint-guess");
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence other = f.createStore(SessionStoreCreateRequest.of("other"));
            other.commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.root("far", NodeKind.USER_INPUT, "far".getBytes())).head("far").build());
            f.createStore(SessionStoreCreateRequest.of("s")).commitRuntimeState(RuntimeCommit.expecting(0)
                    .append(NewNode.root("r", NodeKind.USER_INPUT, "r".getBytes())).head("r").build());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE nodes SET nid = 9223372036854775807 WHERE node_id = 'far'"));
        }
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence store = f.openExisting("s").orElseThrow();
            store.commitRuntimeState(RuntimeCommit.expecting(1)
                    .append(NewNode.child("a", "r", NodeKind.USER_INPUT, "a".getBytes())).head("a")
                    .checkpoint("state", "at a".getBytes()).build());
            store.commitRuntimeState(RuntimeCommit.expecting(2)
                    .append(NewNode.child("b", "a", NodeKind.USER_INPUT, "b".getBytes())).head("b").build());
            PersistedSessionRead b = store.loadSession(SessionReadScope.activePathTail(1)).orElseThrow();
            assertEquals(Optional.of("a"), b.checkpoint().slot("state").map(CheckpointSlot::nodeId), "b inherits a's slot");
            store.commitRuntimeState(RuntimeCommit.expecting(3).head("a").build());
            PersistedSessionRead a = store.loadSession(SessionReadScope.activePathTail(1)).orElseThrow();
            assertEquals(Optional.of("a"), a.checkpoint().slot("state").map(CheckpointSlot::nodeId), "a resolves its own slot");
            assertEquals("far", f.openExisting("other").orElseThrow().loadSession(SessionReadScope.activePathTail(1))
                    .orElseThrow().nodes().get(0).nodeId());
        }
    }
}
