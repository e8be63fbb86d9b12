package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class StatsCommandTest {
    private final Cli cli = Cli.withStore(Stores.populatedMemory());

    @Test
    void textCountsNodesBranchesTombstonesBlobsAndTheLedger() {
        Cli.Run r = cli.run("stats", "demo");
        assertEquals(0, r.code(), r::toString);
        int blobBytes = Fixtures.IMAGE.length + Fixtures.PROMPT.length + Fixtures.TOOL_STATE_V1.length
                + Fixtures.TOOL_STATE_V2.length;
        assertEquals("""
                Session demo
                  head      a2 at revision 5 (active path 5 nodes)
                  nodes     6 live, 2 tombstoned, 1 root
                  branches  2 (live leaves)
                  kinds     assistant_response 2, tool_call 1, tool_result 1, user_input 2
                  payloads  137 bytes
                  blobs     4 distinct, %d bytes (1 attachment, 3 checkpoint slots)
                Token ledger (3 entries on stored nodes):
                  MODEL         INPUT  OUTPUT  CACHED  REASONING  TOTAL
                  demo-model      170      40     100          5    210
                  other-model     200      40       0          0    240
                  (all models)    370      80     100          5    450
                """.formatted(blobBytes), r.out());
    }

    @Test
    void json() throws Exception {
        JsonNode j = Json.MAPPER.readTree(cli.run("stats", "demo", "--format", "json").out());
        assertEquals(6, j.get("liveNodes").asLong());
        assertEquals(2, j.get("tombstonedNodes").asLong());
        assertEquals(2, j.get("branches").asLong());
        assertEquals(4, j.get("blobs").asLong());
        assertEquals(170, j.get("usage").get("byModel").get("demo-model").get("inputTokens").asLong());
        assertEquals("a2", j.get("head").get("nodeId").asText());
    }

    @Test
    void emptySession() {
        Cli.Run r = cli.run("stats", "empty");
        assertEquals(0, r.code(), r::toString);
        assertEquals(true, r.out().contains("  nodes     0 live, 0 tombstoned, 0 roots\n"), r::toString);
    }
}
