package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The exit code of an unknown scheme is the one that {@code --help} and the README name for it. */
class ExitCodeDocsTest {
    private static final Pattern HELP_LINE = Pattern.compile("^\\s*(\\d)\\s+(.*)$");
    private static final Pattern README_ROW = Pattern.compile("^\\| (\\d) \\| (.*) \\|$");

    /** @return the code of the first line that mentions the words, or -1 */
    private static int codeFor(List<String> lines, Pattern line, String words) {
        for (String l : lines) {
            Matcher m = line.matcher(l);
            if (m.matches() && m.group(2).contains(words)) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    @Test
    void anUnknownSchemeExitsWithTheCodeTheHelpAndTheReadmeGive() throws IOException {
        int actual = new Cli().run("sessions", "--store", "nosuch:x").code();
        Cli.Run help = new Cli().run("sessions", "--help");
        assertEquals(0, help.code(), help::toString);
        int inHelp = codeFor(help.out().lines().toList(), HELP_LINE, "unknown scheme");
        List<String> readme = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        int inReadme = codeFor(readme, README_ROW, "unknown scheme");
        assertEquals(ExitCode.USAGE, actual, "the exit code of an unknown scheme");
        assertEquals(actual, inHelp, "--help lists the exit code of an unknown scheme under another code: " + help.out());
        assertEquals(actual, inReadme, "the README's exit code table lists an unknown scheme under another code");
    }
}
