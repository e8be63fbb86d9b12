package dev.cairn.persistence.example.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.example.agent.Tool;
import dev.cairn.persistence.example.agent.ToolException;
import dev.cairn.persistence.example.agent.ToolSpec;
import java.time.Clock;
import java.util.Iterator;

/**
 * {@code notes}: a notes board. The board lives in the tool's slice of the session's tool state
 * ({@code {"nextId": 3, "items": [{"id": 1, "text": "..."}]}}), checkpointed with every call, so it
 * survives restarts and goes back in time with a rewind.
 */
public final class NotesTool implements Tool {
    /** The tool's name. */
    public static final String NAME = "notes";
    private static final int MAX_NOTES = 100;
    private static final int MAX_TEXT = 500;

    @Override
    public ToolSpec spec() {
        ObjectNode schema = Schemas.object();
        Schemas.property(schema, "action", "string", "One of: add, list, remove, clear");
        Schemas.property(schema, "text", "string", "The note to add (for add)");
        Schemas.property(schema, "id", "integer", "The note to remove (for remove)");
        Schemas.require(schema, "action");
        ((ObjectNode) schema.get("properties").get("action")).putArray("enum")
                .add("add").add("list").add("remove").add("clear");
        return new ToolSpec(NAME, "Keeps a notes board for this chat: add, list, remove or clear notes.", schema);
    }

    @Override
    public JsonNode call(JsonNode arguments, ObjectNode state, Clock clock) {
        String action = arguments.path("action").asText("");
        ArrayNode items = state.withArrayProperty("items");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("action", action);
        switch (action) {
            case "add" -> {
                String text = arguments.path("text").asText("").strip();
                if (text.isEmpty()) {
                    throw new ToolException("Missing argument 'text' for add");
                }
                if (text.length() > MAX_TEXT) {
                    throw new ToolException("A note is at most " + MAX_TEXT + " characters");
                }
                if (items.size() >= MAX_NOTES) {
                    throw new ToolException("The board is full (" + MAX_NOTES + " notes); remove some first");
                }
                int id = state.path("nextId").asInt(1);
                state.put("nextId", id + 1);
                items.addObject().put("id", id).put("text", text);
                out.put("added", id);
            }
            case "remove" -> {
                int id = arguments.path("id").asInt(-1);
                boolean removed = false;
                for (Iterator<JsonNode> it = items.elements(); it.hasNext(); ) {
                    if (it.next().path("id").asInt() == id) {
                        it.remove();
                        removed = true;
                    }
                }
                if (!removed) {
                    throw new ToolException("There is no note " + id);
                }
                out.put("removed", id);
            }
            case "clear" -> items.removeAll();
            case "list" -> {
            }
            default -> throw new ToolException("Unknown action '" + action + "': use add, list, remove or clear");
        }
        out.set("notes", items.deepCopy());
        return out;
    }
}
