package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Where schema v5's triggers put a slot (issue 17): a node's first slot in its {@code nodes} row, a
 * second one in {@code checkpoint_rows}; a slot committed again at the node replaces it where it is;
 * a delete (of the session, or vacuum's removal of detached nodes) leaves no row in either place. The kit
 * checks what a host sees; this checks the layout under it.
 */
class OwnSlotRowTest {
    @Test
    void theFirstSlotIsInTheNodesRowAndTheOthersAreRowsAndEachIsReplacedWhereItIs() throws SQLException {
        Path dir = TestDirs.fresh("own-slot-row");
        BlobRef oldA;
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s"));
            s.commitRuntimeState(RuntimeCommit.expecting(0).append(NewNode.root("r", NodeKind.USER_INPUT, "r".getBytes()))
                    .head("r").checkpoint("a", "a at r".getBytes()).checkpoint("b", "b at r".getBytes()).build());
            assertEquals("1 1", placement(dir, "r"), "one slot in the nodes row, one in checkpoint_rows");
            oldA = s.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().checkpoint().slot("a").orElseThrow().blob();
            // a child, then both slots committed again at r (after a rewind): each is replaced where it is
            s.commitRuntimeState(RuntimeCommit.expecting(1).append(NewNode.child("c", "r", NodeKind.USER_INPUT, "c".getBytes()))
                    .head("c").build());
            Checkpoint again = s.commitRuntimeState(RuntimeCommit.expecting(2).head("r")
                    .checkpoint("a", "a again".getBytes()).checkpoint("b", "b again".getBytes()).build()).checkpoint();
            assertEquals("1 1", placement(dir, "r"));
            assertArrayEquals("a again".getBytes(), s.loadBlob(again.slot("a").orElseThrow().blob().hash()).orElseThrow());
            assertArrayEquals("b again".getBytes(), s.loadBlob(again.slot("b").orElseThrow().blob().hash()).orElseThrow());
            assertArrayEquals("a at r".getBytes(), f.loadBlob(oldA.hash()).orElseThrow(), "a replaced value stays stored until gc");
            Checkpoint atChild = s.commitRuntimeState(RuntimeCommit.expecting(3).head("c").build()).checkpoint();
            assertEquals(again, atChild, "the child inherits the replaced slots");
            // c's slots: its first in its row; gc and vacuum of a tombstoned c take it away with the node
            s.commitRuntimeState(RuntimeCommit.expecting(4).append(NewNode.child("d", "c", NodeKind.USER_INPUT, "d".getBytes()))
                    .head("d").checkpoint("a", "a at d".getBytes()).build());
            assertEquals("1 0", placement(dir, "d"));
            s.commitRuntimeState(RuntimeCommit.expecting(5).head("r").build());
            s.tombstoneNodes(java.util.List.of("c"));
            s.gcUnreachable();
            s.vacuum();
            assertEquals(0, count(dir, "SELECT count(*) FROM nodes WHERE node_id IN ('c', 'd')"));
            assertEquals("1 1", placement(dir, "r"));
            f.deleteSession("s");
        }
        assertEquals(0, count(dir, "SELECT count(*) FROM checkpoint_rows"));
        assertEquals(0, count(dir, "SELECT count(*) FROM nodes"));
    }

    /** "{slots in the node's row} {its rows of checkpoint_rows}". */
    private static String placement(Path dir, String nodeId) throws SQLException {
        return count(dir, "SELECT count(*) FROM nodes WHERE node_id = '" + nodeId + "' AND own_slot IS NOT NULL") + " "
                + count(dir, "SELECT count(*) FROM checkpoint_rows r JOIN nodes n ON n.nid = r.nid WHERE n.node_id = '" + nodeId + "'");
    }

    private static long count(Path dir, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }
}
