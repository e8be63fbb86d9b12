package dev.cairn.persistence.example.agent.tools;

import dev.cairn.persistence.example.agent.Tool;
import java.util.List;

/** The built-in tools together. */
public final class BuiltinTools {
    private BuiltinTools() {
    }

    /** @return the calculator, the notes board and the clock */
    public static List<Tool> all() {
        return List.of(new CalculatorTool(), new NotesTool(), new ClockTool());
    }
}
