package dev.cairn.persistence.example.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.example.agent.Tool;
import dev.cairn.persistence.example.agent.ToolException;
import dev.cairn.persistence.example.agent.ToolSpec;
import java.time.Clock;

/** {@code calculator}: evaluates an arithmetic expression. Keeps no state. */
public final class CalculatorTool implements Tool {
    /** The tool's name. */
    public static final String NAME = "calculator";

    @Override
    public ToolSpec spec() {
        ObjectNode schema = Schemas.object();
        Schemas.property(schema, "expression", "string", "Arithmetic with + - * / ^ and parentheses, e.g. 12*(3+4)");
        Schemas.require(schema, "expression");
        return new ToolSpec(NAME, "Evaluates an arithmetic expression exactly.", schema);
    }

    @Override
    public JsonNode call(JsonNode arguments, ObjectNode state, Clock clock) {
        String expression = arguments.path("expression").asText("");
        if (expression.isBlank()) {
            throw new ToolException("Missing argument 'expression'");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("expression", expression.strip());
        out.put("value", Arithmetic.format(Arithmetic.evaluate(expression)));
        return out;
    }
}
