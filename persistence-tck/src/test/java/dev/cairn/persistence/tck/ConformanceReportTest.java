package dev.cairn.persistence.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.Durability;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report's level and certified durability tier: never FULL for a tier the run did not test. */
class ConformanceReportTest {
    private static final KitSettings SETTINGS = new KitSettings(Optional.empty(), 600, 20, 30, false);

    private static String render(Durability declared, ConformanceReport.Status kill, ConformanceReport.Status cut) {
        ConformanceReport r = new ConformanceReport(ConformanceReportTest.class);
        r.describe("test provider", declared, SETTINGS);
        for (int rule = 1; rule <= 22; rule++) {
            r.record("area", String.format("rule%02d_works", rule), ConformanceReport.Status.PASSED, null);
        }
        r.record("durability", ConformanceReport.KILL_TEST, kill, kill == ConformanceReport.Status.PASSED ? null : "why");
        r.record("durability", ConformanceReport.POWER_CUT_TEST, cut, cut == ConformanceReport.Status.PASSED ? null
                : "why not");
        return r.render();
    }

    private static void contains(String text, String part) {
        assertTrue(text.contains(part), "expected <" + part + "> in:\n" + text);
    }

    @Test
    void powerLossCertifiedOnlyWhenThePowerCutTestPassed() {
        String full = render(Durability.POWER_LOSS_SAFE, ConformanceReport.Status.PASSED, ConformanceReport.Status.PASSED);
        contains(full, "certified: POWER_LOSS_SAFE (rule 23 passed 30 power cuts");
        contains(full, "level: FULL");
        String skipped = render(Durability.POWER_LOSS_SAFE, ConformanceReport.Status.PASSED,
                ConformanceReport.Status.SKIPPED);
        contains(skipped, "certified: PROCESS_CRASH_SAFE (rule 23 passed 20 kill -9s of a child JVM; a power cut was not"
                + " tested)");
        contains(skipped, "level: BASE");
    }

    @Test
    void aPowerLossClaimWithoutAnyPowerCutResultIsNotFull() {
        ConformanceReport r = new ConformanceReport(ConformanceReportTest.class);
        r.describe("test provider", Durability.POWER_LOSS_SAFE, SETTINGS);
        for (int rule = 1; rule <= 22; rule++) {
            r.record("area", String.format("rule%02d_works", rule), ConformanceReport.Status.PASSED, null);
        }
        r.record("durability", ConformanceReport.KILL_TEST, ConformanceReport.Status.PASSED, null);
        String text = r.render();
        contains(text, "level: BASE (no test failed, but the declared durability POWER_LOSS_SAFE was not certified)");
    }

    @Test
    void processCrashIsFullAtItsOwnTierWithThePowerCutTestNotClaimed() {
        String text = render(Durability.PROCESS_CRASH_SAFE, ConformanceReport.Status.PASSED,
                ConformanceReport.Status.NOT_CLAIMED);
        contains(text, "certified: PROCESS_CRASH_SAFE (rule 23 passed 20 kill -9s of a child JVM; a power cut was not"
                + " claimed)");
        contains(text, "not claimed by the provider:");
        contains(text, "level: FULL (every rule checked, every test passed, none skipped; durability certified at the"
                + " declared tier PROCESS_CRASH_SAFE)");
    }

    @Test
    void aFailedPowerCutTestIsNone() {
        String text = render(Durability.POWER_LOSS_SAFE, ConformanceReport.Status.PASSED, ConformanceReport.Status.FAILED);
        contains(text, "certified: PROCESS_CRASH_SAFE");
        contains(text, "level: NONE");
    }
}
