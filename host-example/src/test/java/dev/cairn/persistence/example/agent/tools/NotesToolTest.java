package dev.cairn.persistence.example.agent.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.example.agent.Payloads;
import dev.cairn.persistence.example.agent.ToolException;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class NotesToolTest {
    private final NotesTool notes = new NotesTool();
    private final ObjectNode state = Payloads.JSON.createObjectNode();

    private JsonNode call(String json) throws Exception {
        return notes.call(Payloads.JSON.readTree(json), state, Clock.systemUTC());
    }

    @Test
    void keepsTheBoardInItsState() throws Exception {
        call("{\"action\":\"add\",\"text\":\"a\"}");
        call("{\"action\":\"add\",\"text\":\"b\"}");
        assertEquals(1, call("{\"action\":\"remove\",\"id\":1}").path("removed").asInt());
        assertEquals("[{\"id\":2,\"text\":\"b\"}]", call("{\"action\":\"list\"}").path("notes").toString());
        assertEquals("{\"items\":[{\"id\":2,\"text\":\"b\"}],\"nextId\":3}", state.toString());
        call("{\"action\":\"clear\"}");
        assertEquals(3, state.path("nextId").asInt(), "ids are never reused");
        assertThrows(ToolException.class, () -> call("{\"action\":\"remove\",\"id\":7}"));
        assertThrows(ToolException.class, () -> call("{\"action\":\"add\"}"));
        assertThrows(ToolException.class, () -> call("{\"action\":\"fly\"}"));
    }
}
