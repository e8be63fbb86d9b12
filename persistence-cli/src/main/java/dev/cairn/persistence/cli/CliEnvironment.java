package dev.cairn.persistence.cli;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CLI reads from its surroundings, so tests can set it: environment variables, whether
 * stdout is a terminal (for ANSI colour), and the clock (for relative times such as {@code 2h}).
 *
 * @param variables the environment variables
 * @param stdoutIsTerminal true if standard output is an interactive terminal
 * @param clock the clock that relative times count back from
 */
public record CliEnvironment(Map<String, String> variables, boolean stdoutIsTerminal, Clock clock) {
    /** The variable that names the default store location. */
    public static final String STORE_VARIABLE = "CAIRN_STORE";
    /** The store location when neither {@code --store} nor {@code $CAIRN_STORE} is given. */
    public static final String DEFAULT_STORE = "sqlite:./.cairn-data";

    /** Validates and copies. */
    public CliEnvironment {
        variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
        Objects.requireNonNull(clock, "clock");
    }

    /** @return the process's environment, terminal and UTC clock */
    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), System.console() != null, Clock.systemUTC());
    }

    /**
     * @param name a variable's name
     * @return its value, if set and not blank
     */
    public Optional<String> variable(String name) {
        String v = variables.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    /** @return the store location to use when {@code --store} is not given */
    public String defaultStore() {
        return variable(STORE_VARIABLE).orElse(DEFAULT_STORE);
    }

    /** @return true if ANSI styles may be written to stdout (a terminal, no {@code NO_COLOR}, not a dumb terminal) */
    public boolean colorByDefault() {
        return stdoutIsTerminal && variable("NO_COLOR").isEmpty()
                && !"dumb".equals(variables.get("TERM"));
    }
}
