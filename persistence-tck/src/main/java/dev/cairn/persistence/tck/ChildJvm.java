package dev.cairn.persistence.tck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running {@link DurabilityChild} with this JVM's java executable and class path. Its
 * stdout lines are queued as they arrive; its stderr goes to a temporary file for failure messages.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread pump;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.pump = new Thread(this::pump, "cairn-tck-child-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    static ChildJvm start(String mode, String location, String session) throws IOException {
        return start(DurabilityChild.class, "256m", mode, location, session);
    }

    /** Starts another main class of the kit (the power-cut file system's helper). */
    static ChildJvm start(Class<?> main, String heap, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx" + heap,
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        // Where sqlite-jdbc extracts its native library, if the build chose a place (a killed child
        // cannot delete its copy; the build's directory is cleaned by the next load, the system's is not).
        String nativeDir = System.getProperty("org.sqlite.tmpdir");
        if (nativeDir != null) {
            cmd.add("-Dorg.sqlite.tmpdir=" + nativeDir);
        }
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("cairn-tck-child-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        return new ChildJvm(pb.start(), log);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the child was killed
        }
    }

    /** @return the first queued or arriving line that matches, or null after the timeout or the child's exit */
    String await(Predicate<String> match, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            if (line != null && match.test(line)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                Thread.sleep(20);
                if (lines.isEmpty()) {
                    return null;
                }
            }
        }
    }

    /** Writes one line to the child's stdin. */
    void send(String line) throws IOException {
        var in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends SIGKILL and waits until the child is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a child JVM did not die within 30 s of SIGKILL");
        }
    }

    /** Waits for the child to exit on its own. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    int exitValue() {
        return process.isAlive() ? Integer.MIN_VALUE : process.exitValue();
    }

    /** @return every line the child printed that was not consumed yet, once its stdout closed */
    List<String> drain() throws InterruptedException {
        pump.join(TimeUnit.SECONDS.toMillis(10));
        List<String> out = new ArrayList<>();
        lines.drainTo(out);
        return out;
    }

    /** @return the end of the child's stderr */
    String logTail() {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.isEmpty() ? "(stderr empty)" : s.substring(Math.max(0, s.length() - 1500));
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
