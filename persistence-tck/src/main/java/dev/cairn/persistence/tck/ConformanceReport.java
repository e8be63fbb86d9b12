package dev.cairn.persistence.tck;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.StoreLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The results of one kit subclass in one test run: which rules were checked, passed, failed and
 * skipped (with reasons), and the conformance level. Written to the console and to
 * {@code target/cairn-conformance-<KitSubclassSimpleName>.txt} when the run ends.
 *
 * <p>It also names the durability tier that rule 23 certified: {@code POWER_LOSS_SAFE} when the
 * power-cut test passed, {@code PROCESS_CRASH_SAFE} when the {@code kill -9} test passed, else none.
 *
 * <ul>
 *   <li>{@code FULL}: every rule 1 to 23 was checked and every test passed, none was skipped, and the
 *   certified tier is the declared one (a test of a tier above the declared one is listed as not
 *   claimed and does not count);</li>
 *   <li>{@code BASE}: no test failed, but some were skipped (e.g. durability for a volatile provider);</li>
 *   <li>{@code NONE}: some test failed.</li>
 * </ul>
 */
final class ConformanceReport implements ExtensionContext.Store.CloseableResource {
    enum Status { PASSED, FAILED, SKIPPED, NOT_CLAIMED }

    static final String KILL_TEST = "rule23_killedProcessLosesNoAcknowledgedCommitAndLeavesNoPartialOne";
    static final String POWER_CUT_TEST = "rule23_powerCutLosesNoAcknowledgedCommitAndLeavesNoPartialOne";

    private record Result(String test, Set<Integer> rules, Status status, String detail) {
    }

    private final Class<?> kitClass;
    private final List<Result> results = new ArrayList<>();
    private String provider = "(not described: no test ran)";
    private boolean console = true;
    private Durability declared;
    private int kills;
    private int cuts;

    ConformanceReport(Class<?> kitClass) {
        this.kitClass = kitClass;
    }

    synchronized void describe(RuntimePersistenceKit kit) {
        console = kit.settings().reportToConsole();
        kills = kit.settings().kills();
        cuts = kit.settings().powerCuts();
        if (!provider.startsWith("(")) {
            return;
        }
        try {
            KitCapabilities caps = kit.capabilities();
            declared = caps.durability();
            provider = "durability " + caps.durability() + ", shared location "
                    + (caps.sharedLocation() ? kit.location().map(ConformanceReport::redacted).orElse("yes") : "none");
        } catch (RuntimeException e) {
            provider = "(capabilities() failed: " + e + ")";
        }
    }

    /** Sets what {@link #describe} reads from a kit: the declared tier and the settings of the run. */
    synchronized void describe(String provider, Durability declared, KitSettings settings) {
        this.provider = provider;
        this.declared = declared;
        this.kills = settings.kills();
        this.cuts = settings.powerCuts();
        this.console = settings.reportToConsole();
    }

    synchronized void record(ExtensionContext context, Status status, String detail) {
        record(context.getParent().map(ExtensionContext::getDisplayName).orElse(""),
                context.getTestMethod().map(m -> m.getName()).orElse(context.getDisplayName()), status, detail);
    }

    synchronized void record(String area, String method, Status status, String detail) {
        Set<Integer> rules = SpecRules.fromMethodName(method);
        if (status == Status.FAILED) {
            Set<Integer> named = SpecRules.fromMessage(detail);
            if (!named.isEmpty()) {
                rules = named;
            }
        }
        results.add(new Result(area + " > " + method, rules, status, detail));
    }

    @Override
    public synchronized void close() {
        String text = render();
        if (console) {
            System.out.println(text);
        }
        Path file = Path.of("target", "cairn-conformance-" + kitClass.getSimpleName() + ".txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the conformance report " + file.toAbsolutePath(), e);
        }
    }

    String render() {
        Map<Integer, int[]> perRule = new TreeMap<>();
        for (int r = 1; r <= SpecRules.LAST; r++) {
            perRule.put(r, new int[4]);
        }
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (Result r : results) {
            switch (r.status) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
                case NOT_CLAIMED -> { }
            }
            for (int rule : r.rules) {
                perRule.computeIfAbsent(rule, k -> new int[4])[r.status.ordinal()]++;
            }
        }
        Set<Integer> checked = new TreeSet<>();
        Set<Integer> failedRules = new TreeSet<>();
        Set<Integer> skippedOnly = new TreeSet<>();
        Set<Integer> unchecked = new TreeSet<>();
        perRule.forEach((rule, c) -> {
            if (c[0] + c[1] > 0) {
                checked.add(rule);
            }
            if (c[1] > 0) {
                failedRules.add(rule);
            }
            if (c[0] + c[1] == 0 && c[2] > 0) {
                skippedOnly.add(rule);
            }
            if (c[0] + c[1] + c[2] == 0) {
                unchecked.add(rule);
            }
        });
        Durability certified = passed(POWER_CUT_TEST) ? Durability.POWER_LOSS_SAFE
                : passed(KILL_TEST) ? Durability.PROCESS_CRASH_SAFE : Durability.VOLATILE;
        boolean tierMet = declared == null || certified.isAtLeast(declared);
        String level = failed > 0 ? "NONE"
                : (skipped == 0 && unchecked.isEmpty() && !results.isEmpty() && tierMet ? "FULL" : "BASE");
        StringBuilder sb = new StringBuilder();
        String line = "=".repeat(78);
        sb.append(line).append('\n');
        sb.append("Cairn conformance report: ").append(kitClass.getName()).append('\n');
        sb.append("provider: ").append(provider).append('\n');
        sb.append("written: ").append(Instant.now()).append('\n');
        sb.append("tests: ").append(results.size()).append(" run, ").append(passed).append(" passed, ")
                .append(failed).append(" failed, ").append(skipped).append(" skipped\n");
        sb.append("durability declared: ").append(declared == null ? "?" : declared).append("; certified: ")
                .append(switch (certified) {
                    case POWER_LOSS_SAFE -> "POWER_LOSS_SAFE (rule 23 passed " + cuts + " power cuts on the kit's"
                            + " fault-injecting file system, and " + kills + " kill -9s)";
                    case PROCESS_CRASH_SAFE -> "PROCESS_CRASH_SAFE (rule 23 passed " + kills + " kill -9s of a child JVM;"
                            + " a power cut was " + (declared == Durability.POWER_LOSS_SAFE ? "not tested" : "not claimed")
                            + ")";
                    default -> "none (no durability test passed)";
                }).append('\n');
        sb.append("rules checked: ").append(checked).append('\n');
        sb.append("rules failed: ").append(failedRules).append('\n');
        sb.append("rules only skipped: ").append(skippedOnly).append('\n');
        if (!unchecked.isEmpty()) {
            sb.append("rules not run: ").append(unchecked).append('\n');
        }
        sb.append(String.format("%n%-6s %7s %7s %7s%n", "rule", "passed", "failed", "skipped"));
        perRule.forEach((rule, c) -> sb.append(String.format("%-6d %7d %7d %7d%n", rule, c[0], c[1], c[2])));
        if (failed > 0) {
            sb.append("\nfailed:\n");
            results.stream().filter(r -> r.status == Status.FAILED)
                    .forEach(r -> sb.append("  - ").append(r.test).append("\n      ").append(oneLine(r.detail)).append('\n'));
        }
        if (skipped > 0) {
            sb.append("\nskipped:\n");
            results.stream().filter(r -> r.status == Status.SKIPPED)
                    .forEach(r -> sb.append("  - ").append(r.test).append(": ").append(oneLine(r.detail)).append('\n'));
        }
        List<Result> notClaimed = results.stream().filter(r -> r.status == Status.NOT_CLAIMED).toList();
        if (!notClaimed.isEmpty()) {
            sb.append("\nnot claimed by the provider:\n");
            notClaimed.forEach(r -> sb.append("  - ").append(r.test).append(": ").append(oneLine(r.detail)).append('\n'));
        }
        sb.append("\nlevel: ").append(level).append(switch (level) {
            case "FULL" -> " (every rule checked, every test passed, none skipped; durability certified at the declared"
                    + " tier " + certified + ")";
            case "BASE" -> tierMet ? " (no test failed; some tests were skipped or rules not run)"
                    : " (no test failed, but the declared durability " + declared + " was not certified)";
            default -> " (" + failed + " test(s) failed)";
        }).append('\n').append(line).append('\n');
        return sb.toString();
    }

    private boolean passed(String method) {
        return results.stream().anyMatch(r -> r.status == Status.PASSED && r.test.endsWith(" > " + method));
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String flat = s.replace('\n', ' ').replace('\r', ' ');
        return flat.length() > 1200 ? flat.substring(0, 1200) + "..." : flat;
    }

    private static String redacted(String location) {
        try {
            return StoreLocation.parse(location).toString();
        } catch (RuntimeException e) {
            return "(unparseable location)";
        }
    }
}
