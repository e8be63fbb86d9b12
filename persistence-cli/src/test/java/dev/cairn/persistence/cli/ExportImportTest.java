package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportTest {
    @TempDir
    Path dir;

    private final String source = Stores.populatedMemory();

    private Path export(String location, String session) {
        Path file = dir.resolve(session + "-" + System.nanoTime() + ".json");
        Cli.Run r = Cli.withStore(location).run("export", session, "--output", file.toString());
        assertEquals(0, r.code(), r::toString);
        return file;
    }

    @Test
    void theFileIsVersionedAndComplete() throws Exception {
        Path file = export(source, "demo");
        JsonNode j = Json.MAPPER.readTree(file.toFile());
        assertEquals("cairn-session-export", j.get("format").asText());
        assertEquals(1, j.get("formatVersion").asInt());
        assertEquals("2030-01-01T00:00:00Z", j.get("exportedAt").asText());
        assertEquals("demo", j.get("session").get("sessionId").asText());
        assertEquals("a2", j.get("head").get("nodeId").asText());
        assertEquals(5, j.get("head").get("revision").asLong());
        JsonNode nodes = j.get("nodes");
        assertEquals(8, nodes.size());
        JsonNode r1 = nodes.get(3);
        assertEquals("r1", r1.get("nodeId").asText());
        assertEquals("c1", r1.get("parentNodeId").asText());
        assertEquals(4, r1.get("seq").asLong());
        assertEquals(Base64.getEncoder().encodeToString(Fixtures.BINARY), r1.get("payload").asText());
        assertEquals(ContentHash.of(Fixtures.TOOL_STATE_V2).toString(),
                r1.get("checkpoint").get("tool_state").get("hash").asText());
        JsonNode a1 = nodes.get(1);
        assertEquals(ContentHash.of(Fixtures.TOOL_STATE_V1).toString(),
                a1.get("checkpoint").get("tool_state").get("hash").asText(), "shadowed slots are kept per node");
        assertTrue(nodes.get(5).get("tombstoned").asBoolean());
        assertEquals(4, j.get("blobs").size());
        JsonNode image = j.get("blobs").get(ContentHash.of(Fixtures.IMAGE).toString());
        assertEquals(Base64.getEncoder().encodeToString(Fixtures.IMAGE), image.get("data").asText());
        assertEquals(3, j.get("usage").get("entries").size());
        assertEquals(0, j.get("usage").get("unattributed").size());
        assertTrue(Cli.withStore(source).run("export", "demo").out().startsWith("{\n  \"format\": "));
    }

    @Test
    void memoryToMemoryKeepsEveryRead() {
        Path file = export(source, "demo");
        String target = "memory:" + Stores.emptyMemory();
        Cli.Run r = Cli.withStore(target).run("import", file.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("Imported session demo from "), r::toString);
        assertTrue(r.out().contains(": 8 nodes (2 tombstoned), 3 checkpoint slots, 3 usage entries; head a2 at revision "),
                r::toString);
        SameReads.assertSame(source, "demo", target, "demo");
        Cli.Run again = Cli.withStore(target).run("import", file.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists") && again.err().contains("--as NEWID"), again::toString);
        assertEquals(0, Cli.withStore(target).run("import", file.toString(), "--as", "demo-2").code());
        SameReads.assertSame(source, "demo", target, "demo-2");
    }

    @Test
    void forkAndEmptySessionsRoundTrip() {
        String target = "memory:" + Stores.emptyMemory();
        for (String id : new String[] {"fork-1", "empty"}) {
            assertEquals(0, Cli.withStore(target).run("import", export(source, id).toString()).code());
            SameReads.assertSame(source, id, target, id);
        }
    }

    @Test
    void usageOfDetachedNodesIsKeptAsUnattributed() throws Exception {
        assertEquals(0, Cli.withStore(source).run("gc").code());
        Path file = export(source, "demo");
        JsonNode un = Json.MAPPER.readTree(file.toFile()).get("usage").get("unattributed");
        assertEquals(50, un.get("demo-model").get("inputTokens").asLong());
        String target = "memory:" + Stores.emptyMemory();
        assertEquals(0, Cli.withStore(target).run("import", file.toString()).code());
        SameReads.assertSame(source, "demo", target, "demo");
    }

    @Test
    void damagedOrForeignFilesAreRefusedBeforeWriting() throws Exception {
        Path file = export(source, "demo");
        ObjectNode j = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        String target = "memory:" + Stores.emptyMemory();

        ObjectNode newer = j.deepCopy().put("formatVersion", 2);
        Cli.Run r = Cli.withStore(target).run("import", write("newer.json", newer).toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("version 2, newer than this cairn reads (1)"), r::toString);

        ObjectNode damaged = j.deepCopy();
        ((ObjectNode) damaged.get("blobs").get(ContentHash.of(Fixtures.IMAGE).toString()))
                .put("data", Base64.getEncoder().encodeToString("not a png".getBytes(StandardCharsets.UTF_8)));
        r = Cli.withStore(target).run("import", write("damaged.json", damaged).toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("The export file is damaged: blob " + ContentHash.of(Fixtures.IMAGE)), r::toString);

        ObjectNode badPayload = j.deepCopy();
        ((ObjectNode) badPayload.get("nodes").get(0)).put("payload", "AAAA");
        assertEquals(1, Cli.withStore(target).run("import", write("payload.json", badPayload).toString()).code());

        Files.writeString(dir.resolve("other.json"), "{\"format\": \"something-else\", \"formatVersion\": 1}");
        r = Cli.withStore(target).run("import", dir.resolve("other.json").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not a Cairn export"), r::toString);
        Files.writeString(dir.resolve("garbage.json"), "not json");
        assertEquals(2, Cli.withStore(target).run("import", dir.resolve("garbage.json").toString()).code());
        assertEquals(3, Cli.withStore(target).run("import", dir.resolve("missing.json").toString()).code());

        try (SessionStoreFactory f = SessionStores.open(target)) {
            assertTrue(f.openExisting("demo").isEmpty(), "nothing was written");
        }
    }

    @Test
    void exportErrors() {
        assertEquals(3, Cli.withStore(source).run("export", "nope").code());
        Cli.Run r = Cli.withStore(source).run("export", "demo", "-o", dir.resolve("no/such/dir/x.json").toString());
        assertEquals(3, r.code());
        assertFalse(Files.exists(dir.resolve("no")));
    }

    @Test
    void exportOfACorruptBlobFailsWithoutAFile() {
        String name = source.substring("memory:".length());
        Path file = dir.resolve("bad.json");
        Cli.Run r = Cli.withStore("corrupting:" + name + "?blob=" + ContentHash.of(Fixtures.IMAGE).hex())
                .run("export", "demo", "-o", file.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("run 'cairn verify'"), r::toString);
        assertFalse(Files.exists(file));
        Cli.Run toStdout = Cli.withStore("corrupting:" + name + "?blob=" + ContentHash.of(Fixtures.IMAGE).hex())
                .run("export", "demo");
        assertEquals(1, toStdout.code(), toStdout::toString);
        assertEquals("", toStdout.out(), "no partial document on stdout");
        try (SessionStoreFactory f = SessionStores.open(source); RuntimePersistence s = f.openExisting("demo").orElseThrow()) {
            assertTrue(s.loadBlob(ContentHash.of(Fixtures.IMAGE)).isPresent(), "the source itself is intact");
        }
    }

    private Path write(String name, JsonNode json) throws Exception {
        Path p = dir.resolve(name);
        Json.MAPPER.writeValue(p.toFile(), json);
        return p;
    }
}
