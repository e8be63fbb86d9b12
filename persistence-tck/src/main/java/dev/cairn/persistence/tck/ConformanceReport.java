package dev.cairn.persistence.tck;

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
 * <ul>
 *   <li>{@code FULL}: every rule 1 to 23 was checked and every test passed, none was skipped;</li>
 *   <li>{@code BASE}: no test failed, but some were skipped (e.g. durability for a volatile provider);</li>
 *   <li>{@code NONE}: some test failed.</li>
 * </ul>
 */
final class ConformanceReport implements ExtensionContext.Store.CloseableResource {
    enum Status { PASSED, FAILED, SKIPPED }

    private record Result(String test, Set<Integer> rules, Status status, String detail) {
    }

    private final Class<?> kitClass;
    private final List<Result> results = new ArrayList<>();
    private String provider = "(not described: no test ran)";
    private boolean console = true;

    ConformanceReport(Class<?> kitClass) {
        this.kitClass = kitClass;
    }

    synchronized void describe(RuntimePersistenceKit kit) {
        console = kit.settings().reportToConsole();
        if (!provider.startsWith("(")) {
            return;
        }
        try {
            KitCapabilities caps = kit.capabilities();
            provider = "durability " + caps.durability() + ", shared location "
                    + (caps.sharedLocation() ? kit.location().map(ConformanceReport::redacted).orElse("yes") : "none");
        } catch (RuntimeException e) {
            provider = "(capabilities() failed: " + e + ")";
        }
    }

    synchronized void record(ExtensionContext context, Status status, String detail) {
        String method = context.getTestMethod().map(m -> m.getName()).orElse(context.getDisplayName());
        String area = context.getParent().map(ExtensionContext::getDisplayName).orElse("");
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
            perRule.put(r, new int[3]);
        }
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (Result r : results) {
            switch (r.status) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
            }
            for (int rule : r.rules) {
                perRule.computeIfAbsent(rule, k -> new int[3])[r.status.ordinal()]++;
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
        String level = failed > 0 ? "NONE" : (skipped == 0 && unchecked.isEmpty() && !results.isEmpty() ? "FULL" : "BASE");
        StringBuilder sb = new StringBuilder();
        String line = "=".repeat(78);
        sb.append(line).append('\n');
        sb.append("Cairn conformance report: ").append(kitClass.getName()).append('\n');
        sb.append("provider: ").append(provider).append('\n');
        sb.append("written: ").append(Instant.now()).append('\n');
        sb.append("tests: ").append(results.size()).append(" run, ").append(passed).append(" passed, ")
                .append(failed).append(" failed, ").append(skipped).append(" skipped\n");
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
        sb.append("\nlevel: ").append(level).append(switch (level) {
            case "FULL" -> " (every rule checked, every test passed, none skipped)";
            case "BASE" -> " (no test failed; some tests were skipped or rules not run)";
            default -> " (" + failed + " test(s) failed)";
        }).append('\n').append(line).append('\n');
        return sb.toString();
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
