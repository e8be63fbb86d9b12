package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.VacuumReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Space comes back: after delete (or tombstone) and gc, vacuum shrinks the database file. */
class SpaceReclaimTest {
    private static final int BLOBS = 8;
    private static final int BLOB_SIZE = 512 * 1024;

    /** Checkpoints the WAL into the database file and truncates the log, then measures the file. */
    private static long fileSize(SqliteSessionStoreFactory f) throws Exception {
        f.database().writeUnsafe("checkpoint", tx -> {
            SqliteDialect.checkpoint(tx);
            return null;
        });
        assertEquals(0, Files.size(Path.of(f.database().file() + "-wal")), "the WAL was truncated");
        return Files.size(f.database().file());
    }

    private static void attachBigBlobs(RuntimePersistence s, String parent, long revision) {
        RuntimeCommit.Builder b = RuntimeCommit.expecting(revision);
        for (int i = 0; i < BLOBS; i++) {
            BlobRef ref = b.attach(BlobIntegrityTest.random(BLOB_SIZE, i), "application/octet-stream");
            NewNode n = parent == null ? NewNode.root("big" + i, NodeKind.TOOL_RESULT, new byte[0], ref)
                    : NewNode.child("big" + i, parent, NodeKind.TOOL_RESULT, new byte[0], ref);
            b.append(n);
        }
        s.commitRuntimeState(b.build());
    }

    @Test
    void deletingASessionThenGcAndVacuumShrinkTheFile() throws Exception {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("space"))) {
            RuntimePersistence keep = f.createStore(SessionStoreCreateRequest.of("keep"));
            keep.commitRuntimeState(RuntimeCommit.expecting(0).append(NewNode.root("k", NodeKind.USER_INPUT, new byte[] {1}))
                    .head("k").build());
            attachBigBlobs(f.createStore(SessionStoreCreateRequest.of("big")), null, 0);
            long full = fileSize(f);
            assertTrue(full > BLOBS * (long) BLOB_SIZE, "the blobs are in the file: " + full);

            f.deleteSession("big");
            keep.gcUnreachable();
            VacuumReport report = keep.vacuum();
            long after = fileSize(f);
            System.out.printf("database file: %,d bytes with the blobs, %,d after delete, gc and vacuum (reported %,d)%n",
                    full, after, report.bytesReclaimed());
            assertTrue(after < full - (BLOBS - 1) * (long) BLOB_SIZE, "file shrank from " + full + " to " + after);
            assertTrue(report.bytesReclaimed() >= (BLOBS - 1) * (long) BLOB_SIZE, "reported " + report.bytesReclaimed());
            assertTrue(keep.loadNode("k").isPresent());
        }
    }

    @Test
    void tombstonedBranchesComeBackAfterGcAndVacuum() throws Exception {
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(TestDirs.fresh("space"))) {
            RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("s"));
            s.commitRuntimeState(RuntimeCommit.expecting(0).append(NewNode.root("root", NodeKind.USER_INPUT, new byte[] {1}))
                    .head("root").build());
            attachBigBlobs(s, "root", 1);
            long full = fileSize(f);
            List<String> branch = java.util.stream.IntStream.range(0, BLOBS).mapToObj(i -> "big" + i).toList();
            assertEquals(BLOBS, s.tombstoneNodes(branch));
            GcReport gc = s.gcUnreachable();
            assertEquals(BLOBS, gc.nodesDetached());
            assertEquals(BLOBS, gc.blobsDeleted());
            assertEquals(BLOBS * (long) BLOB_SIZE, gc.bytesFreed());
            VacuumReport v = s.vacuum();
            assertEquals(BLOBS, v.nodesRemoved());
            long after = fileSize(f);
            assertTrue(after < full - (BLOBS - 1) * (long) BLOB_SIZE, "file shrank from " + full + " to " + after);
        }
    }
}
