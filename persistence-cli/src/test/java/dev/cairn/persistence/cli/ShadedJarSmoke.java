package dev.cairn.persistence.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the shaded jar the way users do ({@code java -jar}) in the {@code verify} phase: imports an
 * export into a fresh SQLite store, then lists, verifies and replays it. Fails the build if the jar
 * lacks a provider or a driver (for example META-INF/services not merged). Not a unit test: it
 * needs the packaged jar.
 *
 * <p>Arguments: the jar, the export file, a scratch directory (deleted first).
 */
public final class ShadedJarSmoke {
    private ShadedJarSmoke() {
    }

    /**
     * @param args jar, export file, scratch directory
     * @throws Exception when a step fails
     */
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path export = Path.of(args[1]);
        Path scratch = Path.of(args[2]);
        deleteTree(scratch);
        Files.createDirectories(scratch);
        String store = "--store=sqlite:" + scratch.resolve("store");
        expect(jar, 0, "Imported session chat-42", "import", export.toString(), store);
        expect(jar, 0, "chat-42", "sessions", store);
        expect(jar, 0, "OK: every payload and blob matches its hash", "verify", store);
        expect(jar, 0, "[head]", "replay", "chat-42", store);
        expect(jar, 0, "memory", "sessions", "--store=memory:");
        expect(jar, 2, "", "sessions", "--store=nosuch:x");
        System.out.println("cairn shaded jar smoke test OK (6 checks with java -jar)");
    }

    private static void expect(Path jar, int code, String outContains, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        boolean memoryProbe = outContains.equals("memory");
        boolean ok = exit == code && (memoryProbe ? out.contains("No sessions.") : out.contains(outContains));
        if (!ok) {
            throw new IllegalStateException("cairn " + String.join(" ", args) + " exited " + exit + " (expected " + code
                    + "), output:\n" + out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
