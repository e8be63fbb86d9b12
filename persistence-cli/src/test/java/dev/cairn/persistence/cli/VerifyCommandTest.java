package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.ContentHash;
import org.junit.jupiter.api.Test;

/** {@code verify} on intact stores and on the test-only {@code corrupting:} provider. */
class VerifyCommandTest {
    private final String store = Stores.populatedMemory();
    private final String name = store.substring("memory:".length());

    @Test
    void anIntactStoreVerifies() {
        Cli.Run r = Cli.withStore(store).run("verify");
        assertEquals(0, r.code(), r::toString);
        assertEquals("Verified " + store + ": 3 sessions, 10 payloads, 4 blobs (86 bytes)\n"
                + "OK: every payload and blob matches its hash\n", r.out());
        Cli.Run one = Cli.withStore(store).run("verify", "fork-1");
        assertEquals(0, one.code(), one::toString);
        assertTrue(one.out().startsWith("Verified " + store + ": 1 session, 2 payloads, 3 blobs"), one::toString);
        assertEquals(3, Cli.withStore(store).run("verify", "nope").code());
    }

    @Test
    void aCorruptBlobIsReportedWithEveryReferenceAndExitsOne() {
        ContentHash bad = ContentHash.of(Fixtures.PROMPT);
        Cli.Run r = Cli.withStore("corrupting:" + name + "?blob=" + bad.hex()).run("verify");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().contains("CORRUPT  blob " + bad + ": Blob " + bad + " is corrupted"), r::toString);
        assertTrue(r.out().contains("referenced by fork-1/a1 (checkpoint prompt), demo/a1 (checkpoint prompt)"),
                r::toString);
        assertTrue(r.out().endsWith("1 problem found; restore the store from a backup or re-import a good export "
                + "of the damaged sessions\n"), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void aCorruptPayloadIsReported() throws Exception {
        Cli.Run r = Cli.withStore("corrupting:" + name + "?payload=c1").run("verify", "demo", "--format", "json");
        assertEquals(1, r.code(), r::toString);
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertEquals(false, j.get("ok").asBoolean());
        assertEquals(1, j.get("problems").size());
        JsonNode p = j.get("problems").get(0);
        assertEquals("payload", p.get("kind").asText());
        assertEquals("c1", p.get("subject").asText());
        assertTrue(p.get("detail").asText().startsWith("the payload of node c1 (#3) hashes to sha256:"), p::toString);
    }
}
