package dev.cairn.persistence.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code cairn} in-process with captured stdout and stderr. */
final class Cli {
    /** The fixed "now" of relative times in tests. */
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private final Map<String, String> env = new HashMap<>();
    private boolean terminal;

    /**
     * The outcome of one run.
     *
     * @param code exit code
     * @param out stdout
     * @param err stderr
     */
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Cli withStore(String location) {
        return new Cli().env(CliEnvironment.STORE_VARIABLE, location);
    }

    Cli env(String key, String value) {
        env.put(key, value);
        return this;
    }

    Cli terminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CairnCommand.execute(new CliEnvironment(env, terminal, Clock.fixed(NOW, ZoneOffset.UTC)),
                new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }
}
