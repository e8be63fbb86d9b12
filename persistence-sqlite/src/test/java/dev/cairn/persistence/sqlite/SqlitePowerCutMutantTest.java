package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.tck.KitCapabilities;
import dev.cairn.persistence.tck.RuntimePersistenceKit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kit's power-cut test must catch SQLite at {@code synchronous=NORMAL} (the default,
 * {@code durability=process-crash}) when a kit declares it {@code POWER_LOSS_SAFE}: in WAL mode it
 * acknowledges commits that are not yet synced, which a power cut loses.
 */
class SqlitePowerCutMutantTest {

    /** SQLite at the default durability, declared as power-loss safe. */
    static final class NormalDeclaredPowerLossSafe extends RuntimePersistenceKit {
        private Path dir;

        @Override
        protected SessionStoreFactory newFactory() {
            dir = TestDirs.fresh("kit-normal-as-power-loss");
            return SessionStores.open("sqlite:" + dir);
        }

        @Override
        protected Optional<String> sharedLocation() {
            return Optional.of("sqlite:" + dir);
        }

        @Override
        protected KitCapabilities capabilities() {
            return super.capabilities().withDurability(Durability.POWER_LOSS_SAFE);
        }

        @Override
        protected Optional<String> powerCutLocation(Path directory) {
            return Optional.of("sqlite:" + directory + "?durability=process-crash");
        }
    }

    @Test
    void synchronousNormalDeclaredPowerLossSafeFailsThePowerCutTest() {
        List<String> outcomes = new ArrayList<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectNestedMethod(List.of(NormalDeclaredPowerLossSafe.class.getName()),
                        RuntimePersistenceKit.class.getName() + "$DurabilityTests",
                        "rule23_powerCutLosesNoAcknowledgedCommitAndLeavesNoPartialOne"))
                .configurationParameter("cairn.tck.report.console", "false")
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest()) {
                            outcomes.add(result.getStatus() + result.getThrowable().map(t -> ": " + t.getMessage())
                                    .orElse(""));
                        }
                    }
                });
        System.out.println("[sqlite power-cut mutant] " + outcomes);
        assertTrue(outcomes.size() == 1 && outcomes.get(0).startsWith("FAILED: [rule 23]"),
                "SQLite at synchronous=NORMAL declared POWER_LOSS_SAFE was not caught by the power-cut test: " + outcomes);
    }
}
