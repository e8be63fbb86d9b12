package dev.cairn.persistence.postgres.testing;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server this JVM runs: a fresh data directory under {@code java.io.tmpdir}
 * ({@code cairn-pgdata-*}), initialised with password authentication, and a {@code postgres}
 * process listening on 127.0.0.1. {@link #stop()} shuts it down and deletes the directory.
 */
final class LocalServer {
    private static final Logger LOG = LoggerFactory.getLogger(LocalServer.class);
    static final String ADMIN = "cairn_admin";
    static final String HOST = "127.0.0.1";
    private static final String DATA_DIR_PREFIX = "cairn-pgdata-";
    /** Names the JVM that made a data directory, so a later JVM can delete it once that one is gone. */
    private static final String OWNER_FILE = "owner";
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int LOG_LINES = 20;

    private final ServerBinaries binaries;
    private final RunAs runAs;
    private final Path base;
    private final Path data;
    private final Path log;
    private final String password;
    private volatile Process process;
    private volatile int port;

    private LocalServer(ServerBinaries binaries, RunAs runAs, Path base, Path log, String password) {
        this.binaries = binaries;
        this.runAs = runAs;
        this.base = base;
        this.data = base.resolve("data");
        this.log = log;
        this.password = password;
    }

    /**
     * Initialises a data directory and starts a server on it, ready for connections when this returns.
     * Must run on a thread that lives as long as the server should: the parent-death signal is tied
     * to the thread that starts the process, not to the JVM.
     *
     * @throws ServerUnavailable when initdb or postgres fail, with their output
     */
    static LocalServer start(ServerBinaries binaries, RunAs runAs) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        deleteAbandonedDataDirs(tmp);
        Path base;
        Path log;
        try {
            base = Files.createTempDirectory(tmp, DATA_DIR_PREFIX);
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(base.resolve(OWNER_FILE), self.pid() + " " + startMillis(self).orElse(0L) + "\n");
            log = logFile(base);
            Files.writeString(log, "");
        } catch (IOException e) {
            throw new ServerUnavailable("cannot create a data directory under java.io.tmpdir=" + tmp + ": " + e, e);
        }
        LocalServer server = new LocalServer(binaries, runAs, base, log, randomPassword());
        try {
            server.initdb();
            server.launch();
            return server;
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    Path log() {
        return log;
    }

    Path dataDirectory() {
        return data;
    }

    /** Opens a connection as the superuser to {@code database}. */
    Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", ADMIN);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/" + database, properties);
    }

    private void initdb() {
        Path passwordFile = base.resolve("pwfile");
        try {
            Files.writeString(passwordFile, password + "\n");
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (runAs.switchesUser()) {
            handOver(passwordFile);
        }
        List<String> command = runAs.command(List.of(binaries.initdb().toString(), "--pgdata=" + data,
                "--username=" + ADMIN, "--auth=scram-sha-256", "--pwfile=" + passwordFile, "--encoding=UTF8",
                "--no-locale", "--no-sync", "--no-instructions"));
        Instant started = Instant.now();
        ProcessRunner.Result initdb = ProcessRunner.run(command, base, Duration.ofMinutes(2));
        LOG.debug("initdb took {} ms", Duration.between(started, Instant.now()).toMillis());
        appendToLog("initdb: " + String.join(" ", command) + "\n" + initdb.output() + "\n");
        try {
            Files.deleteIfExists(passwordFile);
        } catch (IOException e) {
            LOG.debug("Cannot delete {}", passwordFile, e);
        }
        if (!initdb.ok()) {
            throw new ServerUnavailable("initdb from " + binaries.origin() + " (" + binaries.binDir()
                    + ") failed with exit code " + initdb.exitCode() + ":\n" + initdb.tail(LOG_LINES));
        }
    }

    /**
     * Gives the data directory's parent to the server's user; checks first that the user can reach it
     * and the programs, because a directory on the way that only root may enter (java.io.tmpdir under
     * /root, say) fails later with a far less clear message.
     */
    private void handOver(Path passwordFile) {
        for (Path dir : List.of(base.getParent(), binaries.binDir())) {
            for (Path p = dir; p != null; p = p.getParent()) {
                try {
                    if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                        throw new ServerUnavailable("the server runs as user " + runAs.user()
                                + " because the tests run as root, but " + p + " is not accessible to other users"
                                + " (mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                                + "); set java.io.tmpdir to a directory such as /tmp");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        ProcessRunner.Result chown = ProcessRunner.run(List.of("chown", runAs.uid() + ":" + runAs.gid(),
                base.toString(), passwordFile.toString()), null, Duration.ofSeconds(10));
        if (!chown.ok()) {
            throw new ServerUnavailable("cannot give " + base + " to user " + runAs.user() + ": " + chown.output());
        }
    }

    /** Starts postgres on a free port, trying another port if the chosen one was taken meanwhile. */
    private void launch() {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            long logOffset = logSize();
            List<String> command = runAs.command(List.of(binaries.postgres().toString(), "-D", data.toString(),
                    "-p", Integer.toString(port),
                    "-c", "listen_addresses=" + HOST,
                    "-c", "unix_socket_directories=",
                    "-c", "max_connections=300",
                    "-c", "shared_buffers=128MB",
                    "-c", "fsync=on",
                    "-c", "synchronous_commit=on",
                    "-c", "log_min_messages=warning"));
            appendToLog("postgres: " + String.join(" ", command) + "\n");
            try {
                process = new ProcessBuilder(command)
                        .directory(base.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new ServerUnavailable("cannot run " + binaries.postgres() + ": " + e.getMessage(), e);
            }
            Instant started = Instant.now();
            String failure = awaitReady();
            if (failure == null) {
                LOG.debug("postgres accepted connections after {} ms", Duration.between(started, Instant.now()).toMillis());
                return;
            }
            String output = logSince(logOffset);
            if (portTaken(output) && attempt < START_ATTEMPTS) {
                LOG.debug("Port {} was taken before postgres could bind it; trying another", port);
                continue;
            }
            throw new ServerUnavailable("postgres from " + binaries.origin() + " " + failure + "; last "
                    + LOG_LINES + " lines of " + log + ":\n" + ProcessRunner.tail(output, LOG_LINES));
        }
    }

    /** Whether postgres ended because another process bound its port after {@link #freePort()} chose it. */
    private static boolean portTaken(String output) {
        return output.contains("Address already in use") || output.contains("could not create any TCP/IP sockets");
    }

    /** Polls with a connection until the server accepts it; null when it does, else what went wrong. */
    private String awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                connect("postgres").close();
                return null;
            } catch (SQLException e) {
                last = e;
                String state = e.getSQLState();
                if (state != null && state.startsWith("28")) {
                    kill();
                    return "refused the launcher's own login (" + e.getMessage() + ")";
                }
            }
            try {
                if (process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                    return "exited with code " + process.exitValue() + " while starting";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                return "was interrupted while starting";
            }
        }
        kill();
        return "accepted no connection within " + READY_TIMEOUT.toSeconds() + " s (last attempt: "
                + (last == null ? "none" : last.getMessage()) + ")";
    }

    /**
     * Sends a signal ({@code STOP}, {@code CONT}) to the postmaster and every process it forked, so the
     * whole server stops or resumes answering.
     */
    void signalAll(String signal) {
        ProcessHandle postmaster = postmaster();
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(postmaster.pid())));
        postmaster.descendants().forEach(p -> command.add(Long.toString(p.pid())));
        ProcessRunner.Result result = ProcessRunner.run(command, null, Duration.ofSeconds(5));
        if (!result.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
        }
    }

    private ProcessHandle postmaster() {
        return runAs.forks() ? process.children().findFirst().orElse(process.toHandle()) : process.toHandle();
    }

    /**
     * Shuts the server down the fast way (SIGINT: running sessions are cut off, a checkpoint is
     * written), falling back to SIGKILL, and deletes the data directory. Safe to call twice.
     */
    void stop() {
        if (process != null && process.isAlive()) {
            ProcessHandle postmaster = postmaster();
            List<ProcessHandle> children = new ArrayList<>(postmaster.children().toList());
            ProcessRunner.Result interrupt = ProcessRunner.run(
                    List.of("kill", "-INT", Long.toString(postmaster.pid())), null, Duration.ofSeconds(5));
            if (!interrupt.ok()) {
                LOG.debug("kill -INT {} failed: {}", postmaster.pid(), interrupt.output());
            }
            if (!await(postmaster, Duration.ofSeconds(15))) {
                LOG.warn("PostgreSQL test server (pid {}) did not shut down within 15 s; killing it", postmaster.pid());
                kill();
            }
            // after a kill the server's own processes end by themselves once they see the postmaster gone
            children.forEach(child -> await(child, Duration.ofSeconds(5)));
            await(process.toHandle(), Duration.ofSeconds(5));
        }
        ServerBinaries.deleteTree(base);
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        await(process.toHandle(), Duration.ofSeconds(5));
    }

    private static boolean await(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    /**
     * Deletes data directories whose JVM has gone without cleaning up (it was killed) and whose
     * postmaster is not running. Directories of other users, or not readable, are left alone.
     */
    private static void deleteAbandonedDataDirs(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DATA_DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && abandoned(dir)) {
                    LOG.debug("Deleting {}, left by a JVM that is gone", dir);
                    ServerBinaries.deleteTree(dir);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Cannot look for abandoned data directories in {}", tmp, e);
        }
    }

    private static boolean abandoned(Path dir) {
        try {
            String[] owner = Files.readString(dir.resolve(OWNER_FILE)).strip().split(" ");
            long pid = Long.parseLong(owner[0]);
            long started = Long.parseLong(owner[1]);
            boolean ownerAlive = ProcessHandle.of(pid)
                    .filter(h -> started == 0 || startMillis(h).map(s -> s == started).orElse(true))
                    .isPresent();
            if (ownerAlive) {
                return false;
            }
            Path pidFile = dir.resolve("data/postmaster.pid");
            if (Files.exists(pidFile)) {
                long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
                return ProcessHandle.of(postmaster).isEmpty();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<Long> startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli);
    }

    /**
     * {@code target/postgres-test-server.log} when the working directory has a {@code target}
     * directory (surefire runs in the module directory), else a file in the data directory's parent.
     */
    private static Path logFile(Path base) {
        Path target = Path.of("target").toAbsolutePath();
        return Files.isDirectory(target) && Files.isWritable(target)
                ? target.resolve("postgres-test-server.log")
                : base.resolve("postgres.log");
    }

    private void appendToLog(String text) {
        try {
            Files.writeString(log, text, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.debug("Cannot write {}", log, e);
        }
    }

    private long logSize() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            byte[] bytes = new byte[(int) Math.max(0, Math.min(length - offset, 1 << 20))];
            file.seek(Math.max(0, length - bytes.length));
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new ServerUnavailable("cannot find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
