package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.ContentHash;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayCommandTest {
    private final Cli cli = Cli.withStore(Stores.populatedMemory());

    private static List<String> headers(String out) {
        return out.lines().filter(l -> l.startsWith("#")).map(l -> l.split("\\s+")[3]).toList();
    }

    @Test
    void textShowsTheActivePathWithPrettyJsonTextBinaryAttachmentsAndCheckpoints() {
        Cli.Run r = cli.run("replay", "demo");
        assertEquals(0, r.code(), r::toString);
        String out = r.out();
        assertTrue(out.startsWith("Session demo \"Demo chat\" (model demo-model)\n"
                + "Head a2 at revision 5; active path, 5 of 5 nodes shown\n"), out);
        assertEquals(List.of("u1", "a1", "c1", "r1", "a2"), headers(out));
        assertTrue(out.contains("user_input  u1  (root)\n    {\n      \"text\": \"What is in this picture?\"\n    }\n"), out);
        assertTrue(out.contains("    attachment image/png, 13 bytes, " + ContentHash.of(Fixtures.IMAGE) + "\n"), out);
        assertTrue(out.contains("    (binary payload, 6 bytes, " + ContentHash.of(Fixtures.BINARY) + ")\n"), out);
        assertTrue(out.contains("a2  (parent r1)  [head]\n    A cat on a mat.\n    Done.\n"), out);
        assertTrue(out.contains("    checkpoint tool_state (in effect at the head), 28 bytes, "
                + ContentHash.of(Fixtures.TOOL_STATE_V2)), out);
        assertTrue(out.contains("Checkpoint at head:\n  SLOT        NODE  BYTES  HASH\n  prompt      a1       28  "), out);
        assertTrue(out.contains("Usage: 2 turns on the nodes shown; session total 370 input, 80 output tokens"
                + " (demo-model 210, other-model 240)"), out);
        assertFalse(out.contains("x1") || out.contains("u2b"), out);
    }

    @Test
    void allBranchesShowsEveryLiveNodeButNotTombstones() {
        Cli.Run r = cli.run("replay", "demo", "--all-branches");
        assertEquals(List.of("u1", "a1", "c1", "r1", "a2", "x1"), headers(r.out()));
    }

    @Test
    void filtersByKindAndTime() {
        assertEquals(List.of("c1", "r1"), headers(cli.run("replay", "demo", "--kind", "tool_call,tool_result").out()));
        assertEquals(List.of("u1", "x1"), headers(cli.run("replay", "demo", "--all-branches", "--kind", "user_input")
                .out()));
        // The fixture was written "before" the test clock's now (2030-01-01).
        assertEquals(List.of(), headers(cli.run("replay", "demo", "--since", "1d").out()));
        assertEquals(5, headers(cli.run("replay", "demo", "--until", "2030-01-01").out()).size());
        assertEquals(5, headers(cli.run("replay", "demo", "--since", "2000-01-01T00:00:00Z", "--until", "1h").out())
                .size());
        assertEquals(List.of(), headers(cli.run("replay", "demo", "--until", "2001-01-01T00:00+02:00").out()));
    }

    @Test
    void badFiltersAreUsageErrors() {
        Cli.Run bad = cli.run("replay", "demo", "--since", "yesterday");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("cairn replay: Invalid --since 'yesterday': expected an ISO-8601 time"),
                bad::toString);
        assertEquals(1, bad.err().lines().count());
        assertEquals(2, cli.run("replay", "demo", "--kind", "Tool Call").code());
        assertEquals(2, cli.run("replay", "demo", "--format", "yaml").code());
    }

    @Test
    void jsonIsOneDocumentWithPayloadsByType() throws Exception {
        JsonNode j = Json.MAPPER.readTree(cli.run("replay", "demo", "--format", "json").out());
        assertEquals("demo", j.get("session").get("sessionId").asText());
        assertEquals("a2", j.get("head").get("nodeId").asText());
        assertEquals(5, j.get("head").get("revision").asLong());
        assertEquals("active-path", j.get("scope").asText());
        JsonNode nodes = j.get("nodes");
        assertEquals(5, nodes.size());
        assertEquals("What is in this picture?", nodes.get(0).get("payload").get("text").asText());
        assertEquals("image/png", nodes.get(0).get("attachments").get(0).get("mediaType").asText());
        assertEquals("binary", nodes.get(3).get("payloadType").asText());
        assertFalse(nodes.get(3).has("payload"));
        assertEquals(ContentHash.of(Fixtures.BINARY).toString(), nodes.get(3).get("payloadHash").asText());
        assertEquals("text", nodes.get(4).get("payloadType").asText());
        assertTrue(nodes.get(4).get("head").asBoolean());
        assertEquals("r1", j.get("checkpoint").get("tool_state").get("nodeId").asText());
        assertEquals(370, j.get("usage").get("total").get("inputTokens").asLong());
        assertEquals(2, j.get("usage").get("turns").size());
    }

    @Test
    void jsonlIsOneNodePerLine() throws Exception {
        List<String> lines = cli.run("replay", "demo", "--all-branches", "--format", "jsonl").out().lines().toList();
        assertEquals(6, lines.size());
        for (String line : lines) {
            JsonNode n = Json.MAPPER.readTree(line);
            assertEquals("demo", n.get("sessionId").asText());
        }
        assertEquals("x1", Json.MAPPER.readTree(lines.get(5)).get("nodeId").asText());
        assertEquals(3, Json.MAPPER.readTree(lines.get(5)).get("payload").size());
    }

    @Test
    void missingSessionIsNotFound() {
        Cli.Run r = cli.run("replay", "nope");
        assertEquals(3, r.code());
        assertTrue(r.err().startsWith("cairn replay: Session 'nope' not found in memory:"), r::toString);
        assertEquals(2, cli.run("replay", "../etc").code());
    }
}
