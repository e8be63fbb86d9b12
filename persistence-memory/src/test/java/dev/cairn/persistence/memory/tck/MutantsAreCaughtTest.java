package dev.cairn.persistence.memory.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Proves that the kit catches broken stores: runs the whole kit (every nested class) through the
 * JUnit Platform Launcher against each {@link Mutants mutant} (and {@link MoreMutants},
 * {@link SessionMutants}) and requires at least one failure of a targeted test (not only the
 * randomized model-based one) whose message names the rule the mutant breaks. A control run of the unmodified wrappers must pass.
 */
class MutantsAreCaughtTest {

    /** What one kit run did. */
    private record Run(int tests, List<String> failures) {
    }

    private static Run runKit(Class<?> kit) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(kit))
                .configurationParameter("cairn.tck.report.console", "false")
                .configurationParameter("cairn.tck.steps", "250")
                .build();
        List<String> failures = new ArrayList<>();
        int[] tests = {0};
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) {
                    return;
                }
                tests[0]++;
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failures.add(id.getLegacyReportingName() + ": "
                            + result.getThrowable().map(Throwable::getMessage).orElse("(no message)"));
                }
            }
        });
        return new Run(tests[0], failures);
    }

    @TestFactory
    Stream<DynamicTest> everyMutantFailsTheKitNamingTheRuleItBreaks() {
        return Stream.of(Mutants.ALL, MoreMutants.ALL, SessionMutants.ALL).flatMap(List::stream)
                .map(kit -> DynamicTest.dynamicTest(kit.getSimpleName(), () -> {
            MutantKit mutant = kit.getDeclaredConstructor().newInstance();
            String tag = "[rule " + mutant.rule() + "]";
            Run run = runKit(kit);
            List<String> naming = run.failures().stream().filter(f -> f.contains(tag)).toList();
            List<String> targeted = naming.stream().filter(f -> !f.startsWith("rules")).map(f -> f.substring(0,
                    f.indexOf('('))).toList();
            System.out.printf("[cairn-tck mutants] %-28s rule %2d (%s): %d of %d tests failed, %d name %s, targeted: %s%n",
                    kit.getSimpleName(), mutant.rule(), mutant.breaks(), run.failures().size(), run.tests(),
                    naming.size(), tag, targeted);
            assertTrue(run.tests() > 100, "the kit ran only " + run.tests() + " tests against " + kit.getSimpleName());
            assertTrue(!run.failures().isEmpty(), "the kit passed the mutant " + kit.getSimpleName() + ", which "
                    + mutant.breaks() + " (rule " + mutant.rule() + ")");
            assertTrue(!naming.isEmpty(), "the kit failed the mutant " + kit.getSimpleName() + " (" + mutant.breaks()
                    + ") but no failure names " + tag + ": " + run.failures());
            assertTrue(!targeted.isEmpty(), "only the randomized model-based test caught the mutant " + kit.getSimpleName()
                    + " (" + mutant.breaks() + "); a targeted test of rule " + mutant.rule() + " must catch it on every run");
        }));
    }

    @Test
    void theUnmodifiedWrappersPassTheWholeKit() {
        Run run = runKit(Mutants.Unmodified.class);
        assertTrue(run.tests() > 100, "the kit ran only " + run.tests() + " tests");
        assertEquals(List.of(), run.failures(), "the forwarding wrappers alone must pass the kit");
    }
}
