package dev.cairn.persistence.example.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.example.agent.Tool;
import dev.cairn.persistence.example.agent.ToolSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** {@code clock}: tells the current time in UTC, from the runtime's clock. Keeps no state. */
public final class ClockTool implements Tool {
    /** The tool's name. */
    public static final String NAME = "clock";

    @Override
    public ToolSpec spec() {
        return new ToolSpec(NAME, "Tells the current date and time in UTC.", Schemas.object());
    }

    @Override
    public JsonNode call(JsonNode arguments, ObjectNode state, Clock clock) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("utc", DateTimeFormatter.ISO_INSTANT.format(now));
        out.put("weekday", now.atZone(ZoneOffset.UTC).getDayOfWeek().toString());
        return out;
    }
}
