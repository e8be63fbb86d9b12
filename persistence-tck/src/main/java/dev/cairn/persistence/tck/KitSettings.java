package dev.cairn.persistence.tck;

import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The kit's settings, read from JUnit configuration parameters, which fall back to system
 * properties ({@code -Dcairn.tck.seed=...}).
 *
 * @param seed the seed of the randomized tests, if one was given; else each test picks and prints one
 * @param steps the steps of the model-based test
 * @param kills the {@code kill -9}s of the durability test
 * @param powerCuts the power cuts of the durability test at {@code POWER_LOSS_SAFE} (at least 30)
 * @param reportToConsole whether the conformance report is printed as well as written to a file
 */
record KitSettings(Optional<Long> seed, int steps, int kills, int powerCuts, boolean reportToConsole) {
    static final String SEED = "cairn.tck.seed";
    static final String STEPS = "cairn.tck.steps";
    static final String KILLS = "cairn.tck.kills";
    static final String POWER_CUTS = "cairn.tck.power-cuts";
    static final String REPORT_CONSOLE = "cairn.tck.report.console";
    static final int DEFAULT_STEPS = 600;
    static final int DEFAULT_KILLS = 20;
    static final int MIN_POWER_CUTS = 30;

    static KitSettings defaults() {
        return from(key -> Optional.ofNullable(System.getProperty(key)));
    }

    static KitSettings from(ExtensionContext context) {
        return from(context::getConfigurationParameter);
    }

    private static KitSettings from(Function<String, Optional<String>> params) {
        Optional<Long> seed = params.apply(SEED).map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong);
        int steps = params.apply(STEPS).map(String::trim).map(Integer::parseInt).orElse(DEFAULT_STEPS);
        int kills = params.apply(KILLS).map(String::trim).map(Integer::parseInt).orElse(DEFAULT_KILLS);
        int cuts = params.apply(POWER_CUTS).map(String::trim).map(Integer::parseInt).orElse(MIN_POWER_CUTS);
        boolean console = params.apply(REPORT_CONSOLE).map(String::trim).map(Boolean::parseBoolean).orElse(true);
        if (steps < 1 || kills < 1) {
            throw new IllegalArgumentException(STEPS + " and " + KILLS + " must be at least 1");
        }
        if (cuts < MIN_POWER_CUTS) {
            throw new IllegalArgumentException(POWER_CUTS + " must be at least " + MIN_POWER_CUTS + " (was " + cuts
                    + "): fewer cuts do not certify POWER_LOSS_SAFE");
        }
        return new KitSettings(seed, steps, kills, cuts, console);
    }

    /** @return the given seed, or a fresh one */
    long seedOrRandom() {
        return seed.orElseGet(() -> java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }
}
