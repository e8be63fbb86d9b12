package dev.cairn.persistence.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The kit's handle on a power-cut file system: a {@link PowerCutMount} helper JVM serving a FUSE
 * mount under {@code target/cairn-powercut/}, which the kit freezes, cuts and remounts. Closing it
 * unmounts and deletes the directory; mounts that a killed run left behind are removed by the next
 * one (and by {@code auto_unmount} as soon as their helper dies).
 */
final class PowerCutDrive implements AutoCloseable {
    /** The environment variable (or system property {@code cairn.tck.fuse.required}) that turns a skip into a failure. */
    static final String REQUIRED_ENV = "CAIRN_FUSE_REQUIRED";
    static final String REQUIRED_PROPERTY = "cairn.tck.fuse.required";
    /** The system property that switches the power-cut file system off, as if FUSE were missing. */
    static final String DISABLED_PROPERTY = "cairn.tck.fuse.disabled";
    /** What the helper may hold: file data plus unsynced changes; more fails with ENOSPC. */
    static final int CAPACITY_MIB = 256;
    private static final Path ROOT = Path.of("target", "cairn-powercut").toAbsolutePath();
    private static final List<String> LIBFUSE2 = List.of("/lib/x86_64-linux-gnu/libfuse.so.2",
            "/usr/lib/x86_64-linux-gnu/libfuse.so.2", "/lib/aarch64-linux-gnu/libfuse.so.2",
            "/usr/lib/aarch64-linux-gnu/libfuse.so.2", "/usr/lib64/libfuse.so.2", "/lib64/libfuse.so.2",
            "/usr/lib/libfuse.so.2", "/usr/local/lib/libfuse.so.2");

    private final Path dir;
    private final Path mountPoint;
    private final ChildJvm helper;

    private PowerCutDrive(Path dir, Path mountPoint, ChildJvm helper) {
        this.dir = dir;
        this.mountPoint = mountPoint;
        this.helper = helper;
    }

    /** @return true if a skip of the power-cut test must fail the run instead (as in CI) */
    static boolean required() {
        return Boolean.parseBoolean(System.getenv().getOrDefault(REQUIRED_ENV, "false"))
                || Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /** @return why this machine cannot run the power-cut file system, or empty if it can */
    static Optional<String> unavailable() {
        if (Boolean.getBoolean(DISABLED_PROPERTY)) {
            return Optional.of("the power-cut file system is switched off (-D" + DISABLED_PROPERTY + "=true)");
        }
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("the power-cut file system needs Linux FUSE; this is " + System.getProperty("os.name"));
        }
        Path dev = Path.of("/dev/fuse");
        if (!Files.exists(dev)) {
            return Optional.of("/dev/fuse does not exist (no FUSE in this kernel or container; run the container with"
                    + " --device /dev/fuse --cap-add SYS_ADMIN)");
        }
        if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
            return Optional.of("/dev/fuse is not readable and writable by this user");
        }
        if (LIBFUSE2.stream().noneMatch(p -> Files.exists(Path.of(p)))) {
            return Optional.of("libfuse 2 (libfuse.so.2) is not installed; on Debian or Ubuntu: apt-get install fuse3 libfuse2");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean fusermount = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(p -> Files.isExecutable(Path.of(p, "fusermount")));
        if (!fusermount) {
            return Optional.of("fusermount is not on the PATH (it mounts and unmounts FUSE file systems; on Debian or"
                    + " Ubuntu: apt-get install fuse3)" + (root ? "" : "; as a user it must be setuid root"));
        }
        return Optional.empty();
    }

    /**
     * Mounts a new, empty power-cut file system.
     *
     * @return the drive
     * @throws IllegalStateException with the helper's stderr if mounting failed
     */
    static PowerCutDrive start() throws IOException, InterruptedException {
        removeLeftovers();
        Path dir = ROOT.resolve(UUID.randomUUID().toString());
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        ChildJvm helper = ChildJvm.start(PowerCutMount.class, (3 * CAPACITY_MIB + 128) + "m", mnt.toString(),
                String.valueOf(CAPACITY_MIB));
        PowerCutDrive drive = new PowerCutDrive(dir, mnt, helper);
        String line = helper.await(l -> l.equals("MOUNTED"), 60_000);
        if (line == null) {
            String log = helper.logTail();
            drive.close();
            throw new IllegalStateException("the power-cut file system did not mount at " + mnt + " within 60 s; its"
                    + " helper's stderr: " + log);
        }
        return drive;
    }

    /** @return the mount point: the root of the power-cut file system */
    Path mountPoint() {
        return mountPoint;
    }

    /** Makes every change so far durable (the kit's own set-up, before the store runs). */
    void syncAll() throws IOException, InterruptedException {
        command("SYNC", "SYNCED");
    }

    /** Turns the power off: from now on every file operation fails, nothing more reaches the disk. */
    int freeze() throws IOException, InterruptedException {
        return Integer.parseInt(command("FREEZE", "FROZEN ").substring(7).trim());
    }

    /**
     * After {@link #freeze()}: loses the unsynced changes as a power cut would, and remounts on what is durable.
     *
     * @param seed the random choice of what survives
     * @return what survived, for failure messages
     */
    String cut(long seed) throws IOException, InterruptedException {
        return command("CUT " + seed, "CUT ").substring(4);
    }

    private String command(String command, String answer) throws IOException, InterruptedException {
        helper.send(command);
        String line = helper.await(l -> l.startsWith(answer) || l.startsWith("ERROR"), 60_000);
        if (line == null || line.startsWith("ERROR")) {
            throw new IllegalStateException("the power-cut file system did not answer " + command + " (" + line
                    + "); its helper's stderr: " + helper.logTail());
        }
        return line;
    }

    @Override
    public void close() {
        try {
            if (helper.alive()) {
                helper.send("EXIT");
                helper.waitFor(30);
            }
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            helper.close();
            unmount(mountPoint);
            deleteTree(dir);
        }
    }

    /** Deletes what an earlier, killed run left under {@code target/cairn-powercut} (its mount went with its helper). */
    private static void removeLeftovers() throws IOException {
        if (!Files.isDirectory(ROOT)) {
            return;
        }
        try (Stream<Path> old = Files.list(ROOT)) {
            for (Path d : old.toList()) {
                if (!PowerCutMount.mounted(d.resolve("mnt"))) { // a live mount is another running test's
                    deleteTree(d);
                }
            }
        }
    }

    private static void unmount(Path mnt) {
        try {
            for (int i = 0; i < 3 && PowerCutMount.mounted(mnt); i++) {
                Process p = new ProcessBuilder("fusermount", "-u", "-z", mnt.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unmount the power-cut file system at " + mnt, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path d) {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> all = Files.walk(d)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + d + " (is the power-cut file system still mounted?)", e);
        }
    }
}
