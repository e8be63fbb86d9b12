package dev.cairn.persistence.tck;

import dev.cairn.persistence.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 23 at {@code POWER_LOSS_SAFE}: child JVMs commit on the kit's power-cut file system
 * ({@link PowerCutDrive}) while the kit cuts the power at random moments, at least 30 times; after a
 * cut only what the store made durable (fsync of files, and of directories for creates, renames and
 * deletes) is there, in part where a disk would keep part of it. Then the kit (or the next child)
 * reopens the location and every acknowledged commit must be there, none in part, with no manual
 * repair. A provider that declares only {@code PROCESS_CRASH_SAFE} does not claim this; the test
 * tells the report so ({@link TierNotClaimed}) instead of counting a skip.
 */
abstract class PowerCutRules extends DurabilityRules {
    private static final String FLUSH_HINT = "that every commit reaches stable storage before commitRuntimeState returns:"
            + " fsync or fdatasync of every file it wrote, and of the directory after creating, renaming or deleting a"
            + " file (or the database's fully synchronous commit setting), and that opening recovers by itself";

    PowerCutRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void rule23_powerCutLosesNoAcknowledgedCommitAndLeavesNoPartialOne() throws Exception {
        KitCapabilities caps = kit.capabilities();
        if (!caps.durability().isAtLeast(Durability.POWER_LOSS_SAFE)) {
            throw new TierNotClaimed("rule 23: the provider declares " + caps.durability()
                    + ", so it does not claim to survive a power cut; the power-cut test applies to POWER_LOSS_SAFE");
        }
        Path probe = Path.of("/power-cut-directory");
        Optional<String> planned = kit.powerCutLocation(probe);
        Assumptions.assumeTrue(planned.isPresent(), "rule 23: the provider declares POWER_LOSS_SAFE but the kit subclass"
                + " gives no powerCutLocation(directory), so the kit cannot cut the power under it: the claim is not"
                + " certified");
        Optional<String> reason = PowerCutDrive.unavailable();
        requireOrSkip(reason.isEmpty(), () -> "rule 23: the power-cut test cannot run here: " + reason.orElse("")
                + "; the POWER_LOSS_SAFE claim is not certified");
        factory().close();
        long seed = kit.settings().seedOrRandom();
        int cuts = kit.settings().powerCuts();
        System.out.println("[cairn-tck] " + kit.getClass().getSimpleName() + " power-cut test: " + cuts
                + " cuts, seed=" + seed + " (replay the choices with -D" + KitSettings.SEED + "=" + seed + ")");
        PowerCutDrive mounted;
        try {
            mounted = PowerCutDrive.start();
        } catch (IllegalStateException e) {
            requireOrSkip(false, () -> "rule 23: the power-cut file system could not be mounted here (" + e.getMessage()
                    + "); the POWER_LOSS_SAFE claim is not certified");
            return;
        }
        try (PowerCutDrive drive = mounted) {
            Path dir = Files.createDirectory(drive.mountPoint().resolve("store"));
            drive.syncAll();
            String location = kit.powerCutLocation(dir).orElseThrow();
            run(drive, location, new SplittableRandom(seed), cuts);
        }
    }

    private void run(PowerCutDrive drive, String location, SplittableRandom rnd, int cuts) throws Exception {
        long lastAck = 0;
        long known = 0;
        boolean verifiedLast = true;
        long start = System.nanoTime();
        String last = "the first start";
        for (int c = 1; c <= cuts; c++) {
            try (ChildJvm child = ChildJvm.start("commit", location, DurableSteps.SESSION)) {
                if (rnd.nextInt(5) == 0) {
                    Thread.sleep(rnd.nextInt(1500)); // cut during start-up, open or recovery, too
                } else {
                    String ready = child.await(l -> l.startsWith("READY "), 60_000);
                    if (ready == null) {
                        throw failure("child JVM " + c + " did not open the location within 60 s after " + last + " ("
                                + (child.alive() ? "still running" : "exit code " + child.exitValue()) + "); its stderr: "
                                + child.logTail(), FLUSH_HINT);
                    }
                    long opened = Long.parseLong(ready.substring(6).trim());
                    String after = " after " + last + " (acknowledged up to revision " + lastAck + ")";
                    check(opened >= lastAck, "a new process opened the location at revision " + opened + after
                            + ": acknowledged commits " + (opened + 1) + ".." + lastAck + " were lost", FLUSH_HINT);
                    if (verifiedLast) {
                        checkEquals(known, opened, "revision a new process saw" + after + " where the kit had read "
                                + known, FLUSH_HINT);
                    } else {
                        check(opened >= known, "the revision went back from " + known + " to " + opened + after, FLUSH_HINT);
                    }
                    known = opened;
                    Thread.sleep(rnd.nextInt(300));
                }
                if (!child.alive()) {
                    throw failure("child JVM " + c + " exited by itself (exit code " + child.exitValue() + ") after " + last
                            + " instead of committing until the power cut; its stderr: " + child.logTail(), FLUSH_HINT);
                }
                drive.freeze();
                child.kill();
                for (String line : child.drain()) {
                    if (line.startsWith("ACK ")) {
                        lastAck = Math.max(lastAck, Long.parseLong(line.substring(4).trim()));
                    }
                }
                String cut = "power cut number " + c + " (" + drive.cut(rnd.nextLong()) + ")";
                last = verifiedLast ? cut : cut + ", with " + last + " before it not read back";
            }
            // Mostly the kit reads after a cut; otherwise the next child recovers on the cut file system itself.
            verifiedLast = c == cuts || rnd.nextInt(3) != 0;
            if (verifiedLast) {
                known = verify(location, lastAck, known, last, rnd);
            }
        }
        check(known > 0, "no child JVM acknowledged a commit in " + cuts + " runs on the power-cut file system", FLUSH_HINT);
        System.out.println("[cairn-tck] power-cut test: " + cuts + " cuts, " + known + " commits survived, last"
                + " acknowledged " + lastAck + ", " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private static void requireOrSkip(boolean ok, java.util.function.Supplier<String> reason) {
        if (ok) {
            return;
        }
        if (PowerCutDrive.required()) {
            throw new AssertionError(SpecRules.message(23, reason.get().replaceFirst("^rule 23: ", "") + " (and " + PowerCutDrive.REQUIRED_ENV
                    + "=true makes that a failure)", "that FUSE works here: /dev/fuse, libfuse2 and fusermount"));
        }
        Assumptions.assumeTrue(false, reason);
    }
}
