package dev.cairn.persistence.tck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The helper JVM that serves the kit's power-cut file system (SPEC rule 23 at
 * {@code POWER_LOSS_SAFE}): mounts a {@link PowerCutFs} with FUSE (libfuse 2 through jnr-fuse) and
 * obeys one command per line on stdin. Started by the kit; not meant to be run by hand.
 *
 * <ul>
 *   <li>{@code FREEZE}: the power goes off; every file operation fails with EIO from now on; prints
 *   {@code FROZEN <unsynced changes>};</li>
 *   <li>{@code CUT <seed>}: after {@code FREEZE}, loses the unsynced changes as a power cut does
 *   (seeded), unmounts, mounts again on what is durable and prints {@code CUT <what was kept>};</li>
 *   <li>{@code SYNC}: makes every change durable and prints {@code SYNCED};</li>
 *   <li>{@code EXIT}, or the end of stdin (the kit's JVM died): unmounts and exits.</li>
 * </ul>
 *
 * <p>It prints {@code MOUNTED} once the file system is mounted. Mounts use {@code auto_unmount}, so
 * the kernel mount goes away even if this JVM is killed.
 */
public final class PowerCutMount {
    private static final String OPTIONS = "hard_remove,big_writes,max_write=131072,attr_timeout=0,entry_timeout=0,"
            + "negative_timeout=0,auto_unmount,fsname=cairn-powercut,subtype=cairn";

    private final Path mountPoint;
    private final PowerCutFs fs;
    private Thread loop;

    private PowerCutMount(Path mountPoint, long capacity) {
        this.mountPoint = mountPoint.toAbsolutePath();
        this.fs = new PowerCutFs(new PowerCutDisk(capacity));
    }

    /**
     * Runs the helper.
     *
     * @param args the mount point (an existing, empty directory) and the capacity in MiB
     * @throws Exception if mounting fails; the kit shows the stderr
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: PowerCutMount MOUNTPOINT CAPACITY_MIB");
            System.exit(2);
        }
        PrintStream out = System.out;
        PowerCutMount m = new PowerCutMount(Path.of(args[0]), Long.parseLong(args[1]) << 20);
        try {
            m.mount();
            out.println("MOUNTED");
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("EXIT");) {
                if (line.equals("FREEZE")) {
                    out.println("FROZEN " + m.fs.powerOff());
                } else if (line.startsWith("CUT ")) {
                    String what = m.fs.cut(new SplittableRandom(Long.parseLong(line.substring(4).trim())));
                    m.unmount();
                    m.mount();
                    out.println("CUT " + what);
                } else if (line.equals("SYNC")) {
                    m.fs.syncAll();
                    out.println("SYNCED");
                } else {
                    out.println("ERROR unknown command " + line);
                }
                out.flush();
            }
        } finally {
            m.unmount();
        }
        System.exit(0);
    }

    private void mount() throws IOException, InterruptedException {
        loop = new Thread(() -> fs.mount(mountPoint, true, false, new String[] {"-s", "-o", OPTIONS}),
                "cairn-powercut-fuse");
        loop.setDaemon(true);
        loop.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!mounted(mountPoint)) {
            if (!loop.isAlive()) {
                throw new IllegalStateException("libfuse did not mount " + mountPoint + " (see its messages above)");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the FUSE mount at " + mountPoint + " did not appear within 20 s");
            }
            Thread.sleep(5);
        }
    }

    private void unmount() throws InterruptedException, IOException {
        if (loop == null) {
            return;
        }
        fs.umount();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (mounted(mountPoint) || loop.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the FUSE mount at " + mountPoint + " did not go away within 20 s");
            }
            Thread.sleep(5);
        }
        loop = null;
    }

    /** @return whether a file system is mounted exactly at the path (from /proc/self/mountinfo) */
    static boolean mounted(Path path) throws IOException {
        String p = path.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].replace("\\040", " ").equals(p)) {
                return true;
            }
        }
        return false;
    }
}
