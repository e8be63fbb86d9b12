package dev.cairn.persistence.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What survives a power cut on the power-cut file system's model. */
class PowerCutDiskTest {
    private final PowerCutDisk disk = new PowerCutDisk(64 << 20);

    private PowerCutDisk.Node root() {
        return disk.lookup("/").orElseThrow();
    }

    private PowerCutDisk.Node file(String name, byte[] bytes) {
        PowerCutDisk.Node f = disk.create(root(), name, false).orElseThrow();
        assertTrue(disk.write(f, 0, bytes));
        return f;
    }

    private byte[] read(String path) {
        PowerCutDisk.Node n = disk.lookup(path).orElseThrow();
        return Arrays.copyOf(n.data, (int) n.size);
    }

    private static byte[] bytes(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void nothingUnsyncedSurvivesACutThatKeepsNothing() {
        file("a", bytes(10, 1));
        disk.cut(0, 0);
        assertTrue(disk.lookup("/a").isEmpty());
    }

    @Test
    void aSyncedFileWithoutASyncedDirectoryEntryIsLost() {
        PowerCutDisk.Node a = file("a", bytes(10, 1));
        disk.sync(a.ino);
        disk.cut(0, 0);
        assertTrue(disk.lookup("/a").isEmpty(), "the create was not made durable by syncing the directory");
    }

    @Test
    void aSyncedDirectoryEntryOfAnUnsyncedFileIsThereEmpty() {
        file("a", bytes(10, 1));
        disk.sync(PowerCutDisk.ROOT);
        disk.cut(0, 0);
        assertEquals(0, disk.lookup("/a").orElseThrow().size);
    }

    @Test
    void fileAndDirectorySyncedSurvive() {
        PowerCutDisk.Node a = file("a", bytes(10, 1));
        disk.sync(a.ino);
        disk.sync(PowerCutDisk.ROOT);
        assertTrue(disk.write(a, 10, bytes(5, 2)));
        disk.cut(0, 0);
        assertArrayEquals(bytes(10, 1), read("/a"), "the unsynced append is lost, the synced data is not");
    }

    @Test
    void aRenameIsDurableOnlyWithItsDirectory() {
        PowerCutDisk.Node tmp = file("a.tmp", bytes(3, 7));
        disk.sync(tmp.ino);
        disk.sync(PowerCutDisk.ROOT);
        disk.rename(root(), "a.tmp", root(), "a");
        disk.cut(0, 0);
        assertTrue(disk.lookup("/a").isEmpty());
        assertArrayEquals(bytes(3, 7), read("/a.tmp"));
        disk.rename(root(), "a.tmp", root(), "a");
        disk.sync(PowerCutDisk.ROOT);
        disk.cut(0, 0);
        assertArrayEquals(bytes(3, 7), read("/a"));
        assertTrue(disk.lookup("/a.tmp").isEmpty());
    }

    @Test
    void aPrefixOfTheUnsyncedChangesSurvivesAndTheNextWriteIsTornAtABlock() {
        PowerCutDisk.Node a = file("a", bytes(1, 1)); // changes 1 (create) and 2 (write)
        assertTrue(disk.write(a, 100, bytes(3 * PowerCutDisk.BLOCK, 2))); // change 3, spans 4 blocks
        String what = disk.cut(2, 2);
        byte[] kept = read("/a");
        assertEquals(2 * PowerCutDisk.BLOCK, kept.length, what);
        assertEquals(1, kept[0]);
        assertEquals(2, kept[100]);
        assertEquals(2, kept[2 * PowerCutDisk.BLOCK - 1]);
        assertTrue(what.contains("torn after " + (2 * PowerCutDisk.BLOCK - 100) + " bytes"), what);
    }

    @Test
    void anUnlinkIsUndoneByACutUntilTheDirectoryIsSynced() {
        PowerCutDisk.Node a = file("a", bytes(4, 4));
        disk.sync(a.ino);
        disk.sync(PowerCutDisk.ROOT);
        disk.remove(root(), "a");
        assertFalse(disk.lookup("/a").isPresent());
        disk.cut(0, 0);
        assertArrayEquals(bytes(4, 4), read("/a"));
    }

    @Test
    void aFullDiskRefusesWrites() {
        PowerCutDisk small = new PowerCutDisk(8192);
        PowerCutDisk.Node f = small.create(small.lookup("/").orElseThrow(), "f", false).orElseThrow();
        assertFalse(small.write(f, 0, new byte[9000]));
        assertEquals(0, f.size);
    }
}
