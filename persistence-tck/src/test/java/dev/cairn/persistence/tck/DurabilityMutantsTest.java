package dev.cairn.persistence.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Proves that the rule 23 tests catch stores that are not crash-safe: the journal provider with
 * acknowledgement before the write, and with commits written in two parts, must both fail the
 * {@code kill -9} test; a file store that declares {@code POWER_LOSS_SAFE} and never syncs, or renames
 * without syncing the directory, must fail the power-cut test, which a store that syncs both passes.
 */
class DurabilityMutantsTest {
    private static final String POWER_CUT = ConformanceReport.POWER_CUT_TEST;

    /** A journal kit with location options. */
    abstract static class OptionsKit extends RuntimePersistenceKit {
        private final String options;
        private String location;

        OptionsKit(String options) {
            this.options = options;
        }

        @Override
        protected SessionStoreFactory newFactory() {
            location = "tckjournal:" + Path.of("target", "tck-journals", UUID.randomUUID().toString()).toAbsolutePath()
                    + options;
            return SessionStores.open(location);
        }

        @Override
        protected Optional<String> sharedLocation() {
            return Optional.of(location);
        }
    }

    /** Acknowledges commits before they reach the journal. */
    static final class AcknowledgesBeforeWriting extends OptionsKit {
        AcknowledgesBeforeWriting() {
            super("?ack=early");
        }
    }

    /** Writes each commit in two records and replays a lone first half. */
    static final class WritesCommitsInTwoParts extends OptionsKit {
        WritesCommitsInTwoParts() {
            super("?commit=split");
        }
    }

    /** A store in one file per write that declares POWER_LOSS_SAFE, on the power-cut file system too. */
    abstract static class FilesKit extends RuntimePersistenceKit {
        private final String options;
        private String location;

        FilesKit(String options) {
            this.options = options;
        }

        @Override
        protected SessionStoreFactory newFactory() {
            location = "tckfiles:" + Path.of("target", "tck-files", UUID.randomUUID().toString()).toAbsolutePath()
                    + options;
            return SessionStores.open(location);
        }

        @Override
        protected Optional<String> sharedLocation() {
            return Optional.of(location);
        }

        @Override
        protected Optional<String> powerCutLocation(Path directory) {
            return Optional.of("tckfiles:" + directory + options);
        }
    }

    /** Syncs each file before renaming it and the directory after: keeps its promise. */
    static final class SyncsFilesAndDirectory extends FilesKit {
        SyncsFilesAndDirectory() {
            super("");
        }
    }

    /** Declares POWER_LOSS_SAFE and never calls fsync. */
    static final class NeverSyncs extends FilesKit {
        NeverSyncs() {
            super("?sync=none");
        }
    }

    /** Syncs each file, renames it, and never syncs the directory. */
    static final class RenamesWithoutSyncingTheDirectory extends FilesKit {
        RenamesWithoutSyncingTheDirectory() {
            super("?sync=files");
        }
    }

    /** @return the outcome of each durability test of the kit: PASSED, SKIPPED: reason, or FAILED: message */
    static Map<String, String> durabilityOutcomes(Class<?> kit, boolean onlyPowerCuts) {
        Map<String, String> outcomes = new TreeMap<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(onlyPowerCuts
                        ? selectNestedMethod(List.of(kit), RuntimePersistenceKit.DurabilityTests.class, POWER_CUT)
                        : selectNestedClass(List.of(kit), RuntimePersistenceKit.DurabilityTests.class))
                .configurationParameter("cairn.tck.report.console", "false")
                .configurationParameter("cairn.tck.kills", "10")
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionSkipped(TestIdentifier id, String reason) {
                        outcomes.put(id.getDisplayName(), "DISABLED: " + reason);
                    }

                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest()) {
                            outcomes.put(id.getDisplayName(), result.getStatus() + result.getThrowable()
                                    .map(t -> ": " + t.getMessage()).orElse(""));
                        }
                    }
                });
        System.out.println("[cairn-tck durability mutants] " + kit.getSimpleName() + ": " + outcomes);
        return outcomes;
    }

    private static List<String> durabilityFailures(Class<?> kit) {
        List<String> failures = new ArrayList<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectNestedClass(List.of(kit), RuntimePersistenceKit.DurabilityTests.class))
                .configurationParameter("cairn.tck.report.console", "false")
                .configurationParameter("cairn.tck.kills", "10")
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                            failures.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::getMessage)
                                    .orElse("?"));
                        }
                    }
                });
        return failures;
    }

    private static void caught(Class<?> kit) {
        List<String> failures = durabilityFailures(kit);
        System.out.println("[cairn-tck durability mutants] " + kit.getSimpleName() + ": " + failures);
        assertFalse(failures.isEmpty(), kit.getSimpleName() + " passed the durability tests");
        assertTrue(failures.stream().anyMatch(f -> f.startsWith("rule23_") && f.contains("[rule 23]")),
                "no rule 23 failure names [rule 23]: " + failures);
    }

    private static void caughtByPowerCuts(Class<?> kit) {
        String outcome = durabilityOutcomes(kit, true).get(POWER_CUT + "()");
        assertTrue(outcome != null && outcome.startsWith("FAILED: [rule 23]"), kit.getSimpleName()
                + " was not caught by the power-cut test: " + outcome);
    }

    @Test
    void neverSyncingFailsThePowerCutTest() {
        caughtByPowerCuts(NeverSyncs.class);
    }

    @Test
    void renamingWithoutSyncingTheDirectoryFailsThePowerCutTest() {
        caughtByPowerCuts(RenamesWithoutSyncingTheDirectory.class);
    }

    @Test
    void syncingFilesAndTheDirectoryPassesEveryDurabilityTest() {
        Map<String, String> outcomes = durabilityOutcomes(SyncsFilesAndDirectory.class, false);
        assertEquals("SUCCESSFUL", outcomes.get(POWER_CUT + "()"), "the power-cut test on a correct store: " + outcomes);
        assertTrue(outcomes.values().stream().allMatch("SUCCESSFUL"::equals), "a correct store: " + outcomes);
    }

    @Test
    void withoutFusePowerCutsAreSkippedWithTheReasonOrFailWhenRequired() {
        String outcome;
        System.setProperty(PowerCutDrive.DISABLED_PROPERTY, "true");
        try {
            outcome = durabilityOutcomes(SyncsFilesAndDirectory.class, true).get(POWER_CUT + "()");
        } finally {
            System.clearProperty(PowerCutDrive.DISABLED_PROPERTY);
        }
        String reason = "the power-cut test cannot run here: the power-cut file system is switched off";
        if (PowerCutDrive.required()) {
            assertTrue(outcome.startsWith("FAILED: [rule 23] " + reason) && outcome.contains("CAIRN_FUSE_REQUIRED"),
                    outcome);
        } else {
            assertTrue(outcome.startsWith("ABORTED: ") && outcome.contains(reason), outcome);
        }
    }

    @Test
    void acknowledgingBeforeWritingFailsRule23() {
        caught(AcknowledgesBeforeWriting.class);
    }

    @Test
    void writingCommitsInTwoPartsFailsRule23() {
        caught(WritesCommitsInTwoParts.class);
    }
}
