package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionsCommandTest {
    private final String store = Stores.populatedMemory();
    private final Cli cli = Cli.withStore(store);

    private static List<String> firstColumn(String out) {
        return out.lines().skip(1).filter(l -> !l.endsWith("sessions") && !l.endsWith("session"))
                .map(l -> l.split("\\s+")[0]).toList();
    }

    @Test
    void listsNewestFirstWithParentAndName() {
        Cli.Run r = cli.run("sessions");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("SESSION  CREATED"), r::toString);
        assertEquals(List.of("fork-1", "demo", "empty"), firstColumn(r.out()));
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("fork-1") && l.contains(" demo ")
                && l.endsWith("Demo chat")), r::toString);
        assertTrue(r.out().endsWith("3 sessions\n"), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void filtersByParentAndAttributeAndLimits() {
        assertEquals(List.of("fork-1"), firstColumn(cli.run("sessions", "--parent", "demo").out()));
        assertEquals(List.of("fork-1", "demo"), firstColumn(cli.run("sessions", "--attribute", "user=ada").out()));
        assertEquals(List.of("fork-1", "demo"), firstColumn(cli.run("sessions", "--limit", "2").out()));
        assertEquals(2, cli.run("sessions", "--limit", "0").code());
    }

    @Test
    void pagesThroughMoreThanOnePage() {
        String location = "memory:" + Stores.emptyMemory();
        try (SessionStoreFactory f = SessionStores.open(location)) {
            for (int i = 0; i < 450; i++) {
                f.createStore(SessionStoreCreateRequest.of(String.format("s%03d", i))).close();
            }
        }
        Cli.Run all = Cli.withStore(location).run("sessions", "--format", "jsonl");
        assertEquals(450, all.out().lines().count());
        assertEquals(450, all.out().lines().distinct().count());
        assertEquals(401, Cli.withStore(location).run("sessions", "--format", "jsonl", "--limit", "401")
                .out().lines().count());
    }

    @Test
    void jsonAndEmptyStore() throws Exception {
        JsonNode json = Json.MAPPER.readTree(cli.run("sessions", "--format", "json").out());
        assertEquals(3, json.size());
        assertEquals("demo", json.get(0).get("parentSessionId").asText());
        assertEquals("ada", json.get(1).get("attributes").get("user").asText());
        Cli.Run empty = Cli.withStore("memory:" + Stores.emptyMemory()).run("sessions");
        assertEquals("No sessions.\n", empty.out());
    }

    @Test
    void storeOptionOverridesTheEnvironment() {
        Cli.Run r = Cli.withStore("memory:" + Stores.emptyMemory()).run("sessions", "--store", store);
        assertEquals(3, firstColumn(r.out()).size(), r::toString);
    }
}
