package dev.cairn.persistence.tck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Proves that the rule 23 test catches stores that are not crash-safe: the journal provider with
 * acknowledgement before the write, and with commits written in two parts, must both fail it.
 */
class DurabilityMutantsTest {

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

    @Test
    void acknowledgingBeforeWritingFailsRule23() {
        caught(AcknowledgesBeforeWriting.class);
    }

    @Test
    void writingCommitsInTwoPartsFailsRule23() {
        caught(WritesCommitsInTwoParts.class);
    }
}
