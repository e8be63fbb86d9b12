package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class MaintenanceCommandTest {
    private final String store = Stores.populatedMemory();

    @Test
    void gcDetachesTombstonesAndVacuumRemovesThem() throws Exception {
        Cli cli = Cli.withStore(store);
        Cli.Run gc = cli.run("gc");
        assertEquals(0, gc.code(), gc::toString);
        assertEquals("gc: detached 2 tombstoned nodes, deleted 0 unreferenced blobs (0 bytes)\n", gc.out());
        assertTrue(cli.run("tree", "demo").out().startsWith("Session demo: 6 live nodes, 0 tombstoned"));
        Cli.Run vacuum = cli.run("vacuum", "--format", "json");
        assertEquals(0, vacuum.code(), vacuum::toString);
        JsonNode j = Json.MAPPER.readTree(vacuum.out());
        assertEquals(2, j.get("nodesRemoved").asLong());
        assertTrue(cli.run("stats", "demo").out().contains("(all models)    370      80     100          5    450"),
                "vacuum keeps the ledger");
        assertEquals("gc: detached 0 tombstoned nodes, deleted 0 unreferenced blobs (0 bytes)\n", cli.run("gc").out());
    }

    @Test
    void anEmptyStoreHasNothingToDo() {
        Cli.Run r = Cli.withStore("memory:" + Stores.emptyMemory()).run("vacuum");
        assertEquals(0, r.code());
        assertEquals("vacuum: removed 0 detached nodes, reclaimed 0 bytes\n", r.out());
    }
}
