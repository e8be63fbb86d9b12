package dev.cairn.persistence.adk;

import com.google.adk.tools.Annotations.Schema;
import com.google.adk.tools.ToolContext;
import java.util.Map;

/** The tool of {@link RunnerTest} (public: ADK calls it by reflection). */
public final class WeatherTool {
    private WeatherTool() {
    }

    /**
     * A forecast; remembers the city in the user's shared state and writes a {@code temp:} key that must never be stored.
     *
     * @param city the city
     * @param context ADK's tool context
     * @return the forecast
     */
    public static Map<String, Object> weather(@Schema(name = "city") String city, @Schema(name = "toolContext") ToolContext context) {
        context.state().put("user:last_city", city);
        context.state().put("temp:scratch", "never stored");
        return Map.of("forecast", "sunny in " + city);
    }
}
