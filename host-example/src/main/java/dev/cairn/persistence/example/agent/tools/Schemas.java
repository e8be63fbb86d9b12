package dev.cairn.persistence.example.agent.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small helpers to write the JSON schemas of tool arguments. */
final class Schemas {
    private Schemas() {
    }

    static ObjectNode object() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("type", "object");
        s.putObject("properties");
        s.putArray("required");
        s.put("additionalProperties", false);
        return s;
    }

    static void property(ObjectNode schema, String name, String type, String description) {
        ((ObjectNode) schema.get("properties")).putObject(name).put("type", type).put("description", description);
    }

    static void require(ObjectNode schema, String name) {
        schema.withArrayProperty("required").add(name);
    }
}
