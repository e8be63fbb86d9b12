package dev.cairn.persistence.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The entry point of the {@code cairn} executable jar. Output is UTF-8.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs {@code cairn} and exits with its {@link ExitCode}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(CairnCommand.execute(CliEnvironment.system(), out, err, args));
    }
}
