package dev.cairn.persistence.postgres.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the server programs are run. PostgreSQL refuses to run as root, so when this JVM is root
 * (CI containers) they run as {@code nobody} through {@code setpriv} (or {@code runuser}). Where
 * {@code setpriv} exists it also sets the parent-death signal, so the kernel kills the postmaster
 * when the thread that started it dies - even when the JVM is killed with SIGKILL.
 *
 * @param user the user the programs run as
 * @param uid that user's id if it differs from this JVM's, else null
 * @param gid that user's group id if it differs from this JVM's, else null
 * @param prefix the command words that go before the program
 * @param diesWithJvm whether the kernel kills the program when its parent thread dies
 * @param forks whether the prefix forks the program as a child instead of exec'ing it
 */
record RunAs(String user, Integer uid, Integer gid, List<String> prefix, boolean diesWithJvm, boolean forks) {

    /** The command line that runs {@code command} this way. */
    List<String> command(List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(command);
        return all;
    }

    boolean switchesUser() {
        return uid != null;
    }

    /**
     * Decides how to run the server programs on this machine.
     *
     * @throws ServerUnavailable when this JVM is root and there is no way to run them as nobody
     */
    static RunAs detect() {
        Optional<Path> setpriv = ProcessRunner.which("setpriv");
        String jvmUser = System.getProperty("user.name");
        if (!isRoot()) {
            return setpriv
                    .map(p -> new RunAs(jvmUser, null, null,
                            List.of(p.toString(), "--pdeathsig", "SIGKILL", "--"), true, false))
                    .orElseGet(() -> new RunAs(jvmUser, null, null, List.of(), false, false));
        }
        String user = "nobody";
        ProcessRunner.Result entry = ProcessRunner.run(List.of("getent", "passwd", user), null,
                Duration.ofSeconds(10));
        String[] fields = entry.output().strip().split(":");
        if (!entry.ok() || fields.length < 4) {
            throw new ServerUnavailable("the tests run as root, which PostgreSQL refuses, and there is no user '"
                    + user + "' to run it as instead ('getent passwd " + user + "': " + entry.output().strip()
                    + "); run the tests as a non-root user");
        }
        int uid;
        int gid;
        try {
            uid = Integer.parseInt(fields[2]);
            gid = Integer.parseInt(fields[3]);
        } catch (NumberFormatException e) {
            throw new ServerUnavailable("cannot read the ids of user " + user + " from '" + entry.output() + "'", e);
        }
        if (setpriv.isPresent()) {
            return new RunAs(user, uid, gid, List.of(setpriv.get().toString(), "--reuid=" + uid, "--regid=" + gid,
                    "--clear-groups", "--pdeathsig", "SIGKILL", "--"), true, false);
        }
        Optional<Path> runuser = ProcessRunner.which("runuser");
        if (runuser.isPresent()) {
            return new RunAs(user, uid, gid, List.of(runuser.get().toString(), "-u", user, "--"), false, true);
        }
        throw new ServerUnavailable("the tests run as root, which PostgreSQL refuses, and neither setpriv nor runuser"
                + " (util-linux) is on PATH to run it as " + user + "; install util-linux or run the tests"
                + " as a non-root user");
    }

    /** Whether this JVM runs as root (uid 0). */
    static boolean isRoot() {
        try {
            // The owner of a file this process creates is its effective user (no JDK-internal API needed).
            java.nio.file.Path probe = java.nio.file.Files.createTempFile("cairn-uid", ".probe");
            try {
                return "root".equals(java.nio.file.Files.getOwner(probe).getName());
            } finally {
                java.nio.file.Files.deleteIfExists(probe);
            }
        } catch (java.io.IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
