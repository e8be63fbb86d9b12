package dev.cairn.persistence.bench;

import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import java.security.GeneralSecurityException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The provider-to-raw-JDBC ratio measured so that a noisy machine cancels out: the provider and
 * the baseline ({@link JdbcBaselineBench}'s loop) run side by side in one JVM, each on its own
 * fresh database, in alternating blocks of commits (provider, baseline, baseline, provider, ...),
 * and the ratio is taken per round, so load that comes and goes hits both alike. JMH runs them
 * minutes apart; on a shared machine that alone moved the ratio between 0.5 and 1.2.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cairn.persistence.bench.Interleaved OUT [rounds]};
 * appends one {@code interleaved ...: ...} line per durability to OUT (the report's environment file).
 */
public final class Interleaved {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private Interleaved() {
    }

    /** One block's wall and CPU time. */
    private record Block(long wallNs, long cpuNs) {
    }

    /** The outcome of one durability. */
    record Outcome(String target, int rounds, int block, double medianRatio, double minRatio, double maxRatio,
                   double providerOps, double baselineOps, double providerCpuUs, double baselineCpuUs) {
        String line() {
            return String.format(Locale.ROOT, "interleaved %s: ratio median %.2f (rounds %.2f to %.2f); provider %,.0f"
                            + " commits/s, raw JDBC %,.0f commits/s (medians of the rounds); CPU %.0f vs %.0f µs per commit;"
                            + " %d rounds of 2 × %,d commits each way", target, medianRatio, minRatio, maxRatio, providerOps,
                    baselineOps, providerCpuUs, baselineCpuUs, rounds, block);
        }
    }

    /**
     * @param args the file to append to, and optionally the number of rounds (default 12)
     * @throws Exception if a store cannot be opened
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        for (Target t : List.of(Target.SQLITE_PROCESS_CRASH, Target.SQLITE_POWER_LOSS)) {
            int block = t == Target.SQLITE_PROCESS_CRASH ? 1_000 : 200;
            Outcome o = run(t, rounds, block);
            System.out.println(o.line());
            Files.writeString(out, o.line() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    static Outcome run(Target target, int rounds, int block) throws SQLException, GeneralSecurityException {
        Path dir = Dirs.fresh("interleaved");
        JdbcBaselineBench baseline = new JdbcBaselineBench();
        baseline.synchronous = target == Target.SQLITE_POWER_LOSS ? "FULL" : "NORMAL";
        try (SessionStoreFactory factory = target.open(dir);
             RuntimePersistence store = Workload.createSession(factory, Workload.SESSION)) {
            baseline.open();
            try {
                Workload.Chain chain = new Workload.Chain(store, null, 0, "n");
                // Warm-up: both paths compiled and their databases past the first checkpoints.
                for (int i = 0; i < 3; i++) {
                    provider(chain, block);
                    baseline(baseline, block);
                }
                List<Double> ratios = new ArrayList<>();
                List<Double> providerOps = new ArrayList<>();
                List<Double> baselineOps = new ArrayList<>();
                long providerCpu = 0;
                long baselineCpu = 0;
                for (int r = 0; r < rounds; r++) {
                    Block p1;
                    Block b1;
                    Block b2;
                    Block p2;
                    // ABBA order, so a trend within a round hits both sides equally.
                    p1 = provider(chain, block);
                    b1 = baseline(baseline, block);
                    b2 = baseline(baseline, block);
                    p2 = provider(chain, block);
                    long p = p1.wallNs() + p2.wallNs();
                    long b = b1.wallNs() + b2.wallNs();
                    ratios.add((double) b / p);
                    providerOps.add(2.0 * block * 1e9 / p);
                    baselineOps.add(2.0 * block * 1e9 / b);
                    providerCpu += p1.cpuNs() + p2.cpuNs();
                    baselineCpu += b1.cpuNs() + b2.cpuNs();
                }
                double commits = 2.0 * block * rounds;
                return new Outcome(target.paramName(), rounds, block, median(ratios), Collections.min(ratios),
                        Collections.max(ratios), median(providerOps), median(baselineOps), providerCpu / commits / 1e3,
                        baselineCpu / commits / 1e3);
            } finally {
                baseline.close();
            }
        } finally {
            Dirs.delete(dir);
        }
    }

    private static Block provider(Workload.Chain chain, int n) {
        long w = System.nanoTime();
        long c = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            chain.commitTurn();
        }
        return new Block(System.nanoTime() - w, MX.getCurrentThreadCpuTime() - c);
    }

    private static Block baseline(JdbcBaselineBench b, int n) throws SQLException {
        long w = System.nanoTime();
        long c = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            b.commitTurn();
        }
        return new Block(System.nanoTime() - w, MX.getCurrentThreadCpuTime() - c);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
