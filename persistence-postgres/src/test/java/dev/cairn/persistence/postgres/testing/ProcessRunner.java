package dev.cairn.persistence.postgres.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs short external commands (tar, getent, chown, initdb, kill) and collects their output, and
 * finds programs on {@code PATH}. Commands that cannot be started at all report exit code -1 with
 * the reason as output, so callers can put it into a skip message instead of handling an exception.
 */
final class ProcessRunner {
    /** Most output kept per command; enough for any error message, bounded for a chatty tool. */
    private static final int MAX_OUTPUT = 64 * 1024;

    private ProcessRunner() {
    }

    /** What a command did: its exit code (-1: could not start, or timed out) and merged output. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The last {@code lines} lines of the output, for messages. */
        String tail(int lines) {
            return ProcessRunner.tail(output, lines);
        }
    }

    /** Runs {@code command} in {@code directory} (null: the JVM's) and waits up to {@code timeout}. */
    static Result run(List<String> command, Path directory, Duration timeout) {
        return run(command, directory, null, timeout);
    }

    /**
     * Runs {@code command}, copies {@code stdin} (if not null) into its standard input, and waits up
     * to {@code timeout} for it to end. Standard error is merged into the output.
     */
    static Result run(List<String> command, Path directory, InputStream stdin, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(process.getInputStream(), output),
                "cairn-process-output-" + command.get(0));
        reader.setDaemon(true);
        reader.start();
        String writeError = null;
        if (stdin != null) {
            try (OutputStream in = process.getOutputStream()) {
                stdin.transferTo(in);
            } catch (IOException e) {
                // the command ended early (a broken pipe); its exit code and output say why
                writeError = e.getMessage();
            }
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, command.get(0) + " did not end within " + timeout.toSeconds()
                        + " s; output so far:\n" + text(output));
            }
            reader.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, command.get(0) + " was interrupted");
        }
        String text = text(output);
        if (process.exitValue() != 0 && writeError != null) {
            text = text + (text.isEmpty() ? "" : "\n") + "(writing its input failed: " + writeError + ")";
        }
        return new Result(process.exitValue(), text);
    }

    /** The absolute path of {@code program} in a {@code PATH} directory, if it is executable there. */
    static Optional<Path> which(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** The last {@code lines} lines of {@code text}. */
    static String tail(String text, int lines) {
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (sink) {
                    if (sink.size() < MAX_OUTPUT) {
                        sink.write(buffer, 0, Math.min(n, MAX_OUTPUT - sink.size()));
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; what was read is kept
        }
    }

    private static String text(ByteArrayOutputStream output) {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8).strip();
        }
    }
}
