package dev.cairn.persistence.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Renders {@code BENCHMARKS.md} from JMH's JSON results ({@code -rf json}) and a small file of
 * {@code key: value} lines that describe the machine and the run.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cairn.persistence.bench.Report jmh.json[,more.json...] env.txt
 * BENCHMARKS.md [analysis.md]}: the results of several JMH runs (the PostgreSQL benchmarks run on their own,
 * with their own parameters) are read as one; a listed file that does not exist is skipped. The optional
 * hand-written analysis is appended as it is, and the sections of the file being replaced whose heading says
 * "(hand-written)" are carried into the new one ({@link HandWrittenSections}).
 *
 * <p>The PostgreSQL targets get rows in the same tables as the others where they were measured, and a
 * section of their own that sets them against SQLite. The issue set no PostgreSQL targets: the
 * provider-generic ones are applied to them as <em>informative</em> lines, never as failures.
 */
public final class Report {
    private static final String PKG = "dev.cairn.persistence.bench.";
    private static final String PC = "sqlite-process-crash";
    private static final String PL = "sqlite-power-loss";
    private static final String MEM = "memory";
    private static final String PG_PC = "postgres-process-crash";
    private static final String PG_PL = "postgres-power-loss";

    /** One JMH result. */
    record Result(String benchmark, String mode, int threads, Map<String, String> params, double score, double error,
                  String unit, Map<String, Double> percentiles, long samples, String settings,
                  Map<String, Double> secondary, double measuredSeconds) {

        /** @return the share of the measured time the JVM spent in GC pauses ({@code -prof gc}), or NaN */
        double gcShare() {
            Double ms = secondary.get("gc.time");
            if (ms == null) {
                // JMH leaves gc.time out when no collection ran; the allocation figures say the profiler was on.
                return secondary.containsKey("gc.alloc.rate.norm") ? 0 : Double.NaN;
            }
            return measuredSeconds <= 0 ? Double.NaN : ms / 1000 / measuredSeconds;
        }

        /** @return bytes allocated per operation ({@code -prof gc}), or NaN */
        double allocPerOp() {
            Double b = secondary.get("gc.alloc.rate.norm");
            return b == null ? Double.NaN : b;
        }

        /** @return the score as operations per second (throughput) */
        double opsPerSecond() {
            return switch (unit) {
                case "ops/s" -> score;
                case "ops/ms" -> score * 1e3;
                case "ops/us" -> score * 1e6;
                default -> throw new IllegalStateException("not a throughput: " + unit);
            };
        }

        /** @return a value of this result's time unit in microseconds */
        double micros(double value) {
            return switch (unit) {
                case "us/op" -> value;
                case "ns/op" -> value / 1e3;
                case "ms/op" -> value * 1e3;
                case "s/op" -> value * 1e6;
                default -> throw new IllegalStateException("not a time: " + unit);
            };
        }

        double percentileMicros(String p) {
            Double v = percentiles.get(p);
            return v == null ? Double.NaN : micros(v);
        }
    }

    private final List<Result> results;
    private final Map<String, String> env;
    private final List<String> verdicts = new ArrayList<>();

    Report(List<Result> results, Map<String, String> env) {
        this.results = results;
        this.env = new LinkedHashMap<>(env);
        if (!this.env.containsKey("jmh")) {
            this.env.put("jmh", String.join("<br>", results.stream().map(Result::settings).distinct().toList()));
        }
    }

    /**
     * @param args the JMH JSON file, the environment file, the Markdown file to write
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: Report <jmh.json>[,<more.json>...] <env.txt> <BENCHMARKS.md> [analysis.md]");
            System.exit(2);
        }
        List<Result> all = new ArrayList<>();
        for (String file : args[0].split(",")) {
            if (file.isBlank() || (!all.isEmpty() && !Files.exists(Path.of(file)))) {
                continue;
            }
            all.addAll(parse(Files.readString(Path.of(file))));
        }
        Report r = new Report(all, readEnv(Path.of(args[1])));
        String analysis = args.length == 4 && Files.exists(Path.of(args[3])) ? Files.readString(Path.of(args[3])) : "";
        Path out = Path.of(args[2]);
        String previous = Files.exists(out) ? Files.readString(out) : "";
        String md = HandWrittenSections.merge(previous, r.render(), analysis);
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.println("Wrote " + args[2]);
        r.verdicts.forEach(v -> System.out.println("  " + v));
    }

    static List<Result> parse(String json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        List<Result> out = new ArrayList<>();
        for (JsonNode n : root) {
            String bench = n.path("benchmark").asText();
            if (bench.startsWith(PKG)) {
                bench = bench.substring(PKG.length());
            }
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode m = n.path("primaryMetric");
            Map<String, Double> pct = new LinkedHashMap<>();
            m.path("scorePercentiles").fields().forEachRemaining(e -> pct.put(e.getKey(), e.getValue().asDouble()));
            long samples = 0;
            JsonNode hist = m.path("rawDataHistogram");
            if (hist.isArray()) {
                for (JsonNode fork : hist) {
                    for (JsonNode iter : fork) {
                        for (JsonNode bin : iter) {
                            samples += bin.path(1).asLong();
                        }
                    }
                }
            }
            List<String> jvmArgs = new ArrayList<>();
            n.path("jvmArgs").forEach(a -> jvmArgs.add(a.asText()));
            String settings = "JMH " + n.path("jmhVersion").asText() + ", " + n.path("forks").asInt() + " fork, "
                    + n.path("warmupIterations").asInt() + " × " + n.path("warmupTime").asText() + " warmup, "
                    + n.path("measurementIterations").asInt() + " × " + n.path("measurementTime").asText()
                    + " measurement, JVM " + n.path("vmName").asText() + " " + n.path("vmVersion").asText()
                    + ", JVM args " + (jvmArgs.isEmpty() ? "none" : String.join(" ", jvmArgs));
            Map<String, Double> secondary = new LinkedHashMap<>();
            n.path("secondaryMetrics").fields().forEachRemaining(e -> secondary.put(
                    e.getKey().replace("\u00b7", ""), e.getValue().path("score").asDouble()));
            double measured = n.path("measurementIterations").asInt() * seconds(n.path("measurementTime").asText());
            out.add(new Result(bench, n.path("mode").asText(), n.path("threads").asInt(), params,
                    m.path("score").asDouble(), m.path("scoreError").asDouble(Double.NaN), m.path("scoreUnit").asText(),
                    pct, samples, settings, secondary, measured));
        }
        return out;
    }

    /** @return a JMH time such as {@code "1 s"} or {@code "200 ms"} in seconds, or 0 */
    static double seconds(String time) {
        String[] parts = time.trim().split(" ");
        if (parts.length != 2) {
            return 0;
        }
        double v = Double.parseDouble(parts[0]);
        return switch (parts[1]) {
            case "s" -> v;
            case "ms" -> v / 1e3;
            case "us" -> v / 1e6;
            case "min" -> v * 60;
            default -> 0;
        };
    }

    static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return env;
        }
        String key = null;
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (!line.startsWith(" ") && colon > 0) {
                key = line.substring(0, colon).trim();
                env.put(key, line.substring(colon + 1).trim());
            } else if (key != null) {
                env.merge(key, line.trim(), (a, b) -> a.isEmpty() ? b : a + "\n" + b);
            }
        }
        return env;
    }

    Optional<Result> find(String benchmark, Map<String, String> params) {
        return results.stream().filter(r -> r.benchmark().equals(benchmark))
                .filter(r -> params.entrySet().stream().allMatch(e -> e.getValue().equals(r.params().get(e.getKey()))))
                .findFirst();
    }

    private Optional<Result> commit(String method, String target, String nodes) {
        return find("CommitBench." + method, Map.of("target", target, "nodes", nodes));
    }

    String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Cairn benchmarks\n\n");
        md.append("Generated by `persistence-bench/run-benchmarks.sh` from JMH's results (`persistence-bench/target/jmh.json`,"
                + " and `jmh-postgres-*.json` beside it for PostgreSQL);"
                + " do not edit by hand. What each benchmark measures: [persistence-bench/README.md]"
                + "(persistence-bench/README.md).\n\n");
        md.append(env.getOrDefault("note", "")).append(env.containsKey("note") ? "\n\n" : "");
        renderMachine(md);
        StringBuilder body = new StringBuilder();
        renderPostgresVsSqlite(body);
        renderSequential(body);
        renderSizes(body);
        renderCheckpoints(body);
        renderThreads(body);
        renderReads(body);
        renderList(body);
        renderBlobs(body);
        renderAdapters(body);
        renderEventAdapters(body);
        md.append("## Targets\n\n");
        if (verdicts.stream().anyMatch(v -> v.startsWith("informative"))) {
            md.append("The issue set no targets for PostgreSQL. Lines marked *informative* hold a PostgreSQL target to"
                    + " a provider-generic target written for the embedded stores, for comparison: they are not"
                    + " verdicts, and a target not met there is not a failure.\n\n");
        }
        for (String v : verdicts) {
            md.append("- ").append(v).append('\n');
        }
        md.append('\n').append(body);
        renderNoise(md);
        return md.toString();
    }

    private void renderMachine(StringBuilder md) {
        md.append("## Machine and settings\n\n");
        md.append("| | |\n|---|---|\n");
        for (String k : List.of("date", "commit", "cpu", "cores", "memory", "os", "java", "filesystem", "postgres", "jmh",
                "load before", "load after", "runtime")) {
            if (env.containsKey(k)) {
                md.append("| ").append(k).append(" | ").append(env.get(k).replace("\n", "<br>").replace("|", "\\|"))
                        .append(" |\n");
            }
        }
        md.append('\n');
    }

    // ---- PostgreSQL against SQLite ----

    private void renderPostgresVsSqlite(StringBuilder md) {
        if (results.stream().noneMatch(r -> isPostgres(r.params().getOrDefault("target", "")))) {
            return;
        }
        md.append("## PostgreSQL vs SQLite, in this run\n\n");
        md.append("The same API calls against the `postgres:` provider and the `sqlite:` provider, each tier against"
                + " the same tier (`process-crash`: PostgreSQL `synchronous_commit=off`, SQLite `synchronous=NORMAL`;"
                + " `power-loss`: `synchronous_commit=on`, `synchronous=FULL`), from the tables below. The PostgreSQL"
                + " server runs on this machine (see `postgres` above): it shares the cores and the disk, and every"
                + " statement is a round trip over the loopback interface. Each JMH fork starts its own server."
                + " Ratios are PostgreSQL ÷ SQLite: above 1 PostgreSQL does more per second, or, for latencies,"
                + " takes longer.\n\n");
        md.append("| measure | SQLite | PostgreSQL | PostgreSQL ÷ SQLite |\n|---|---:|---:|---:|\n");
        for (String tier : List.of("process-crash", "power-loss")) {
            compare(md, "commits/s, one thread, empty session, `" + tier + "`", tier,
                    t -> commit("throughput", t, "0").map(Result::opsPerSecond), Report::fmtInt);
        }
        for (String tier : List.of("process-crash", "power-loss")) {
            compare(md, "commit p50 µs, one thread, empty session, `" + tier + "`", tier,
                    t -> commit("latency", t, "0").map(r -> r.percentileMicros("50.0")), Report::fmt);
        }
        for (String tier : List.of("process-crash", "power-loss")) {
            compare(md, "commit p50 at 100,000 nodes ÷ at 100 (cost of a long session), `" + tier + "`", tier,
                    t -> commit("latency", t, "100").flatMap(small -> commit("latency", t, "100000")
                            .map(large -> large.percentileMicros("50.0") / small.percentileMicros("50.0"))),
                    v -> String.format(Locale.ROOT, "%.2f", v));
        }
        for (String tier : List.of("process-crash", "power-loss")) {
            compare(md, "commits/s, 16 threads on 16 sessions, `" + tier + "`", tier,
                    t -> find("ConcurrentCommitBench.threads16", Map.of("target", t)).map(Result::opsPerSecond),
                    Report::fmtInt);
        }
        for (String tier : List.of("process-crash", "power-loss")) {
            compare(md, "16 threads ÷ 1 thread, `" + tier + "`", tier,
                    t -> find("ConcurrentCommitBench.threads16", Map.of("target", t)).flatMap(s -> find(
                            "ConcurrentCommitBench.threads1", Map.of("target", t))
                            .map(o -> s.opsPerSecond() / o.opsPerSecond())),
                    v -> String.format(Locale.ROOT, "%.2f", v));
        }
        // reads: the largest session both stores were read at
        Optional<String> size = results.stream()
                .filter(r -> r.benchmark().equals("ReadBench.activePathTail50") && isPostgres(r.params().get("target")))
                .map(r -> r.params().get("size"))
                .filter(sz -> find("ReadBench.activePathTail50", Map.of("target", sqliteOf(
                        pgTarget("ReadBench.activePathTail50", sz)), "size", sz)).isPresent())
                .max(java.util.Comparator.comparingInt(Integer::parseInt));
        if (size.isPresent()) {
            String pg = pgTarget("ReadBench.activePathTail50", size.get());
            String tier = pg.substring("postgres-".length());
            for (String p : List.of("50.0", "99.0")) {
                compare(md, "`activePathTail(50)` p" + p.replace(".0", "") + " µs, " + fmtInt(Double.parseDouble(size.get()))
                        + " nodes (read on `" + tier + "`)", tier,
                        t -> find("ReadBench.activePathTail50", Map.of("target", t, "size", size.get()))
                                .map(r -> r.percentileMicros(p)), Report::fmt);
            }
        }
        md.append('\n');
    }

    /** The PostgreSQL target a benchmark has a result for at this size, process-crash first. */
    private String pgTarget(String benchmark, String size) {
        return find(benchmark, Map.of("target", PG_PC, "size", size)).isPresent() ? PG_PC : PG_PL;
    }

    private static String sqliteOf(String postgresTarget) {
        return "sqlite-" + postgresTarget.substring("postgres-".length());
    }

    /** One row of the comparison, left out when PostgreSQL was not measured for it. */
    private void compare(StringBuilder md, String label, String tier, Function<String, Optional<Double>> value,
                         Function<Double, String> show) {
        Optional<Double> pg = value.apply("postgres-" + tier).filter(v -> !v.isNaN());
        if (pg.isEmpty()) {
            return;
        }
        Optional<Double> sqlite = value.apply("sqlite-" + tier).filter(v -> !v.isNaN());
        md.append("| ").append(label).append(" | ").append(sqlite.map(show).orElse("n/a")).append(" | ")
                .append(show.apply(pg.get())).append(" | ")
                .append(sqlite.map(v -> String.format(Locale.ROOT, "%.2f", pg.get() / v)).orElse("n/a")).append(" |\n");
    }

    // ---- scenario 1 and 7 ----

    private void renderSequential(StringBuilder md) {
        md.append("## 1. Sequential commits of one small turn (scenario 1) and the raw-JDBC baseline (scenario 7)\n\n");
        md.append("One session, empty at the start of each iteration; one commit = one 200-byte node + head move +"
                + " one usage record, built and committed through the API. The baseline writes the same rows with a"
                + " hand-written sqlite-jdbc loop, same schema and pragmas, one transaction per commit. GC share: time"
                + " in GC pauses over the measured time, and bytes allocated per commit, both from `-prof gc`"
                + " (throughput run).\n\n");
        md.append("| store | ops/s | p50 µs | p99 µs | mean µs | vs raw JDBC | GC share | allocated B/op |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Optional<Result> normal = find("JdbcBaselineBench.throughput", Map.of("synchronous", "NORMAL"));
        Optional<Result> full = find("JdbcBaselineBench.throughput", Map.of("synchronous", "FULL"));
        for (String t : rows("CommitBench.")) {
            Optional<Result> thr = commit("throughput", t, "0");
            Optional<Result> lat = commit("latency", t, "0");
            Optional<Result> base = t.equals(PC) ? normal : t.equals(PL) ? full : Optional.empty();
            md.append("| `").append(t).append("` | ").append(ops(thr)).append(" | ").append(pct(lat, "50.0"))
                    .append(" | ").append(pct(lat, "99.0")).append(" | ").append(mean(lat)).append(" | ")
                    .append(base.isPresent() ? ratio(thr, base) : "").append(" | ").append(gc(thr)).append(" | ")
                    .append(alloc(thr)).append(" |\n");
        }
        for (String sync : List.of("NORMAL", "FULL")) {
            Optional<Result> thr = sync.equals("NORMAL") ? normal : full;
            Optional<Result> lat = find("JdbcBaselineBench.latency", Map.of("synchronous", sync));
            md.append("| raw JDBC, `synchronous=").append(sync).append("` | ").append(ops(thr)).append(" | ")
                    .append(pct(lat, "50.0")).append(" | ").append(pct(lat, "99.0")).append(" | ").append(mean(lat))
                    .append(" | 1.00 | ").append(gc(thr)).append(" | ").append(alloc(thr)).append(" |\n");
        }
        md.append('\n');

        String pcInterleaved = env.get("interleaved " + PC);
        String plInterleaved = env.get("interleaved " + PL);
        if (pcInterleaved != null || plInterleaved != null) {
            md.append("Cross-check of the ratio, robust to a noisy machine (`Interleaved`, after JMH): provider and"
                    + " baseline in one JVM, each on its own fresh database, in alternating blocks of commits, the"
                    + " ratio taken per round.\n\n");
            for (String line : new String[] {pcInterleaved, plInterleaved}) {
                if (line != null) {
                    md.append("- ").append(line).append('\n');
                }
            }
            md.append('\n');
        }

        Optional<Result> memLat = commit("latency", MEM, "0");
        verdict("memory commit median ≤ 1 µs", memLat.map(r -> r.percentileMicros("50.0")),
                v -> v <= 1.0, v -> fmt(v) + " µs p50");
        Optional<Result> pcThr = commit("throughput", PC, "0");
        verdict("sqlite process-crash sequential commits ≥ 10,000/s", pcThr.map(Result::opsPerSecond),
                v -> v >= 10_000, v -> fmtInt(v) + " ops/s");
        Optional<Double> jmhRatio = pcThr.flatMap(p -> normal.map(n -> p.opsPerSecond() / n.opsPerSecond()));
        Optional<Double> interleavedRatio = interleavedRatio(pcInterleaved);
        if (interleavedRatio.isPresent()) {
            verdict("sqlite process-crash ≥ 0.6 × raw JDBC (synchronous=NORMAL), by the interleaved median", interleavedRatio,
                    v -> v >= 0.6, v -> String.format(Locale.ROOT, "%.2f × (the JMH runs give %s ×)", v,
                            jmhRatio.map(x -> String.format(Locale.ROOT, "%.2f", x)).orElse("n/a")));
        } else {
            verdict("sqlite process-crash ≥ 0.6 × raw JDBC (synchronous=NORMAL)", jmhRatio, v -> v >= 0.6,
                    v -> String.format(Locale.ROOT, "%.2f ×", v));
        }
        Optional<Result> plThr = commit("throughput", PL, "0");
        info("sqlite power-loss vs raw JDBC (synchronous=FULL), no target",
                interleavedRatio(plInterleaved).or(() -> plThr.flatMap(p -> full.map(n -> p.opsPerSecond() / n.opsPerSecond()))),
                v -> String.format(Locale.ROOT, "%.2f ×", v) + (plInterleaved != null ? " (interleaved median)" : ""));
    }

    private static Optional<Double> interleavedRatio(String line) {
        if (line == null) {
            return Optional.empty();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ratio median ([0-9.]+)").matcher(line);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    // ---- scenario 2 ----

    private void renderSizes(StringBuilder md) {
        md.append("## 2. The same commit into a session that already holds N nodes (scenario 2)\n\n");
        md.append("The session holds N nodes (one chain, each a turn with usage) when each iteration starts; it grows"
                + " by the iteration's commits (about ops/s × 1 s nodes).\n\n");
        md.append("| store | N=0 ops/s | N=100 | N=10,000 | N=100,000 | p50 µs at 100 | p50 µs at 100,000 |"
                + " cost 100,000 / 100 by p50 | by throughput |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String t : rows("CommitBench.")) {
            md.append("| `").append(t).append("` ");
            for (String n : List.of("0", "100", "10000", "100000")) {
                md.append("| ").append(ops(commit("throughput", t, n))).append(' ');
            }
            Optional<Result> small = commit("throughput", t, "100");
            Optional<Result> large = commit("throughput", t, "100000");
            Optional<Double> byThroughput = small.flatMap(x -> large.map(l -> x.opsPerSecond() / l.opsPerSecond()));
            Optional<Result> smallLat = commit("latency", t, "100");
            Optional<Result> largeLat = commit("latency", t, "100000");
            Optional<Double> byP50 = smallLat.flatMap(x -> largeLat.map(l -> l.percentileMicros("50.0")
                    / x.percentileMicros("50.0")));
            md.append("| ").append(pct(smallLat, "50.0")).append(" | ").append(pct(largeLat, "50.0")).append(" | ")
                    .append(byP50.map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("n/a")).append(" | ")
                    .append(byThroughput.map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("n/a")).append(" |\n");
            targetVerdict(t, "commit cost at 100,000 nodes ≤ 1.5 × cost at 100 (median latency; throughput ratio shown)",
                    byP50, v -> v <= 1.5, v -> String.format(Locale.ROOT, "%.2f × by p50, %s × by throughput", v,
                            byThroughput.map(x -> String.format(Locale.ROOT, "%.2f", x)).orElse("n/a")));
        }
        md.append("\nThe verdict uses the median: the throughput of `memory` is dominated by the garbage collector"
                + " copying the nodes the benchmark keeps adding (the session grows by about a million nodes per"
                + " iteration), which does not depend on N but makes its throughput swing by tens of percent.");
        if (measured("CommitBench.", PG_PC) || measured("CommitBench.", PG_PL)) {
            md.append(" PostgreSQL runs only the sizes its rows show (preloading 100,000 nodes through the provider"
                    + " takes it about half a minute per trial); each iteration starts from a copy of a preloaded"
                    + " template database (`CREATE DATABASE ... TEMPLATE`), as SQLite's starts from a copy of a"
                    + " template file.");
        }
        md.append("\n\n");
    }

    // ---- scenario 3 ----

    private void renderCheckpoints(StringBuilder md) {
        md.append("## 3. A commit that carries a 64 KiB checkpoint slot (scenario 3)\n\n");
        md.append("The same turn plus `checkpoint(\"tool_state\", 64 KiB)`: `same` commits identical bytes each time"
                + " (the blob deduplicates), `changing` new bytes each time (a new blob per commit). Includes building"
                + " the commit, which hashes the 64 KiB.\n\n");
        md.append("| store | same ops/s | changing ops/s | plain turn ops/s |\n|---|---:|---:|---:|\n");
        for (String t : rows("CheckpointBench.")) {
            md.append("| `").append(t).append("` | ")
                    .append(ops(find("CheckpointBench.throughput", Map.of("target", t, "slot", "same")))).append(" | ")
                    .append(ops(find("CheckpointBench.throughput", Map.of("target", t, "slot", "changing")))).append(" | ")
                    .append(ops(commit("throughput", t, "0"))).append(" |\n");
        }
        md.append('\n');
    }

    // ---- scenario 4 ----

    private void renderThreads(StringBuilder md) {
        md.append("## 4. Threads, each committing to its own session (scenario 4)\n\n");
        md.append("Total ops/s of all threads; one factory, one session per thread. The machine has ")
                .append(env.getOrDefault("cores", "?")).append(" cores. GC share: the time the JVM spent in GC"
                        + " pauses over the measured time (`-prof gc`); the garbage collector runs on the same cores.\n\n");
        if (measured("ConcurrentCommitBench.", PG_PC) || measured("ConcurrentCommitBench.", PG_PL)) {
            md.append("PostgreSQL: the provider's default pool of 4 write connections, so at most 4 of the 16 threads"
                    + " commit at once; the server's processes share the same cores.\n\n");
        }
        md.append("| store | 1 thread | 4 threads | 16 threads | 4 / 1 | 16 / 1 | GC share 1 / 4 / 16 |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (String t : rows("ConcurrentCommitBench.")) {
            Optional<Result> one = find("ConcurrentCommitBench.threads1", Map.of("target", t));
            Optional<Result> four = find("ConcurrentCommitBench.threads4", Map.of("target", t));
            Optional<Result> sixteen = find("ConcurrentCommitBench.threads16", Map.of("target", t));
            md.append("| `").append(t).append("` | ").append(ops(one)).append(" | ").append(ops(four)).append(" | ")
                    .append(ops(sixteen)).append(" | ").append(ratio(four, one)).append(" | ")
                    .append(ratio(sixteen, one)).append(" | ").append(gc(one)).append(" / ").append(gc(four))
                    .append(" / ").append(gc(sixteen)).append(" |\n");
            targetVerdict(t, "16 threads on 16 sessions ≥ 2 × one thread",
                    sixteen.flatMap(s -> one.map(o -> s.opsPerSecond() / o.opsPerSecond())), v -> v >= 2.0,
                    v -> String.format(Locale.ROOT, "%.2f ×", v));
        }
        md.append('\n');
        md.append("What group commit would give SQLite (raw JDBC, not the provider): turns per second when 16 turns to"
                + " 16 sessions share one transaction, against one transaction per turn.\n\n");
        md.append("| synchronous | 1 turn per transaction | 16 turns per transaction | ratio |\n|---|---:|---:|---:|\n");
        for (String sync : List.of("NORMAL", "FULL")) {
            Optional<Result> single = find("JdbcBaselineBench.throughput", Map.of("synchronous", sync));
            Optional<Result> group = find("JdbcBaselineBench.groupCommit16", Map.of("synchronous", sync));
            md.append("| `").append(sync).append("` | ").append(ops(single)).append(" | ").append(ops(group))
                    .append(" | ").append(ratio(group, single)).append(" |\n");
        }
        md.append('\n');
    }

    // ---- scenario 5 ----

    private void renderReads(StringBuilder md) {
        md.append("## 5. Reads (scenario 5)\n\n");
        md.append("`loadSession` of one chain of turns (payloads verified against their SHA-256 on SQLite), latency"
                + " in µs.\n\n");
        md.append("| store | read | p50 µs | p99 µs | mean µs |\n|---|---|---:|---:|---:|\n");
        for (String t : rows("ReadBench.")) {
            for (String n : List.of("1000", "10000")) {
                Optional<Result> r = find("ReadBench.activePath", Map.of("target", t, "nodes", n));
                if (r.isEmpty() && isPostgres(t)) {
                    continue;
                }
                md.append("| `").append(t).append("` | `activePath()`, ").append(fmtInt(Double.parseDouble(n)))
                        .append(" nodes | ").append(pct(r, "50.0")).append(" | ").append(pct(r, "99.0")).append(" | ")
                        .append(mean(r)).append(" |\n");
            }
            Optional<Result> tail = find("ReadBench.activePathTail50", Map.of("target", t, "size", "100000"));
            if (tail.isEmpty() && isPostgres(t)) {
                continue;
            }
            md.append("| `").append(t).append("` | `activePathTail(50)`, 100,000 nodes | ").append(pct(tail, "50.0"))
                    .append(" | ").append(pct(tail, "99.0")).append(" | ").append(mean(tail)).append(" |\n");
            targetVerdict(t, "activePathTail(50) at 100,000 nodes ≤ 2 ms (median; p99 shown)",
                    tail.map(r -> r.percentileMicros("50.0")), v -> v <= 2_000,
                    v -> fmt(v) + " µs p50, " + pct(tail, "99.0") + " µs p99");
        }
        if (measured("ReadBench.", PG_PC) != measured("ReadBench.", PG_PL)) {
            md.append("\nPostgreSQL reads run on one durability only: `synchronous_commit` decides when a commit"
                    + " returns, not how a read runs.\n");
        }
        md.append('\n');
    }

    // ---- scenario 6 ----

    private void renderList(StringBuilder md) {
        md.append("## 6. `listSessions` first page of 100,000 sessions (scenario 6)\n\n");
        md.append("`SessionQuery.all()`: 50 sessions, newest first, with their metadata and attributes.\n\n");
        md.append("| store | p50 µs | p99 µs | mean µs |\n|---|---:|---:|---:|\n");
        for (String t : rows("ListSessionsBench.")) {
            Optional<Result> r = find("ListSessionsBench.firstPage", Map.of("target", t, "sessions", "100000"));
            md.append("| `").append(t).append("` | ").append(pct(r, "50.0")).append(" | ").append(pct(r, "99.0"))
                    .append(" | ").append(mean(r)).append(" |\n");
        }
        md.append('\n');
    }

    // ---- scenario 8 ----

    private void renderBlobs(StringBuilder md) {
        List<String> targets = rows("BlobBench.");
        if (targets.isEmpty()) {
            return;
        }
        md.append("## 8. Blobs of the session (scenario 8)\n\n");
        md.append("A session's store hands out only blobs its session references, and a commit names a stored blob"
                + " without its bytes only if its session references it (SPEC rules 6 and 13): `loadBlob` of the"
                + " session's own 2 KiB attachment and of one that 1,000 other sessions attach too, and a commit of a"
                + " node that names both without carrying them. Latency in µs.\n\n");
        md.append("| store | operation | p50 µs | p99 µs | mean µs |\n|---|---|---:|---:|---:|\n");
        for (String t : targets) {
            for (String[] op : new String[][] {{"loadOwnBlob", "`loadBlob`, own attachment"},
                {"loadPopularBlob", "`loadBlob`, attachment of 1,001 sessions"},
                {"commitReferencingAStoredBlob", "commit naming 2 stored blobs"}}) {
                Optional<Result> r = find("BlobBench." + op[0], Map.of("target", t));
                md.append("| `").append(t).append("` | ").append(op[1]).append(" | ").append(pct(r, "50.0"))
                        .append(" | ").append(pct(r, "99.0")).append(" | ").append(mean(r)).append(" |\n");
            }
        }
        md.append('\n');
    }

    // ---- scenario 9 ----

    /** The framework adapters against a bare commit, when {@link AdapterBench} ran. */
    void renderAdapters(StringBuilder md) {
        if (results.stream().noneMatch(r -> r.benchmark().startsWith("AdapterBench."))) {
            return;
        }
        md.append("## 9. Framework adapters: one window update against a bare commit (scenario 9)\n\n");
        md.append("A LangChain4j `updateMessages` / Spring AI `saveAll` of a window of 20 with one new message (what a"
                + " window memory sends after each message) and a bare one-node commit, in the same run, on a"
                + " conversation of 100 and of 10,000 messages. Ratios are of p50 (the mean is shown too; on a shared"
                + " machine it carries the pauses of other processes).\n\n");
        md.append("`by hand` is what a host does to keep the new message itself: LangChain4j's own JSON of it, then the"
                + " bare commit.\n\n");
        md.append("| store | messages | bare p50 µs | by hand p50 µs | LangChain4j p50 µs | ÷ bare | ÷ by hand | Spring AI p50 µs | ÷ bare | bare / LangChain4j / Spring AI mean µs |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String t : rows("AdapterBench.")) {
            for (String h : List.of("100", "10000")) {
                Optional<Result> bare = find("AdapterBench.update", Map.of("target", t, "adapter", "bare", "history", h));
                Optional<Result> lc = find("AdapterBench.update", Map.of("target", t, "adapter", "langchain4j", "history", h));
                Optional<Result> sai = find("AdapterBench.update", Map.of("target", t, "adapter", "spring-ai", "history", h));
                Optional<Result> hand = find("AdapterBench.update", Map.of("target", t, "adapter", "by-hand", "history", h));
                if (bare.isEmpty() && lc.isEmpty() && sai.isEmpty()) {
                    continue;
                }
                md.append("| `").append(t).append("` | ").append(fmtInt(Double.parseDouble(h))).append(" | ")
                        .append(pct(bare, "50.0")).append(" | ").append(pct(hand, "50.0")).append(" | ").append(pct(lc, "50.0"))
                        .append(" | ").append(p50Ratio(lc, bare)).append(" | ").append(p50Ratio(lc, hand))
                        .append(" | ").append(pct(sai, "50.0")).append(" | ").append(p50Ratio(sai, bare)).append(" | ")
                        .append(mean(bare)).append(" / ").append(mean(lc)).append(" / ").append(mean(sai)).append(" |\n");
            }
            for (String a : List.of("langchain4j", "spring-ai")) {
                Optional<Result> big = find("AdapterBench.update", Map.of("target", t, "adapter", a, "history", "10000"));
                Optional<Result> small = find("AdapterBench.update", Map.of("target", t, "adapter", a, "history", "100"));
                Optional<Result> bare = find("AdapterBench.update", Map.of("target", t, "adapter", "bare", "history", "10000"));
                adapterVerdicts(t + ": " + a + " window update", "10,000 messages", big, small, bare);
            }
        }
        md.append('\n');
    }

    // ---- scenario 10 ----

    /** The event-log adapters (ADK, LangGraph4j) against a bare commit, when {@link EventAdapterBench} ran. */
    void renderEventAdapters(StringBuilder md) {
        if (results.stream().noneMatch(r -> r.benchmark().startsWith("EventAdapterBench."))) {
            return;
        }
        md.append("## 10. Event adapters: one ADK appendEvent or LangGraph4j put against a bare commit (scenario 10)\n\n");
        md.append("A bare one-node commit, the same commit with a ~200-byte checkpoint slot (`bare + slot`: what the core"
                + " charges for state committed with the node), an ADK `appendEvent` of a text event with a one-key state"
                + " delta and without one (most events a runner appends), and a LangGraph4j `put` of a checkpoint whose"
                + " small state changed and of one whose state is the previous one's, in the same run, on a session of 100"
                + " and of 10,000 events or checkpoints. p50 in µs; ÷ is the ratio of p50 to the bare commit's.\n\n");
        List<String> adapters = List.of("adk", "adk-no-delta", "langgraph4j", "langgraph4j-same-state");
        md.append("| store | history | bare | bare + slot (÷) | ADK, delta (÷) | ADK, no delta (÷) | LangGraph4j, changed (÷)"
                + " | LangGraph4j, same state (÷) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String t : rows("EventAdapterBench.")) {
            for (String h : List.of("100", "10000")) {
                Optional<Result> bare = eventAdapter(t, "bare", h);
                if (bare.isEmpty()) {
                    continue;
                }
                md.append("| `").append(t).append("` | ").append(fmtInt(Double.parseDouble(h))).append(" | ")
                        .append(pct(bare, "50.0"));
                for (String a : java.util.stream.Stream.concat(java.util.stream.Stream.of("bare-slot"), adapters.stream()).toList()) {
                    Optional<Result> r = eventAdapter(t, a, h);
                    md.append(" | ").append(pct(r, "50.0")).append(" (").append(p50Ratio(r, bare)).append(")");
                }
                md.append(" |\n");
            }
            Optional<Result> bare = eventAdapter(t, "bare", "10000");
            Optional<Result> slot = eventAdapter(t, "bare-slot", "10000");
            info(t + ": bare commit with a checkpoint slot ÷ bare commit (p50, 10,000)",
                    ratioP50(slot, bare),
                    v -> String.format(Locale.ROOT, "%.2f ×", v));
            for (String a : adapters) {
                Optional<Result> big = eventAdapter(t, a, "10000");
                Optional<Result> small = eventAdapter(t, a, "100");
                adapterVerdicts(t + ": " + a, "10,000", big, small, bare);
            }
        }
        md.append('\n');
    }

    /** The two verdicts of an adapter: at most 2 × the bare commit at the long history, and flat in the history. */
    private void adapterVerdicts(String label, String history, Optional<Result> big, Optional<Result> small,
                                 Optional<Result> bare) {
        verdict(label + " ≤ 2 × a bare commit (p50, " + history + ")", ratioP50(big, bare),
                v -> v <= 2.0, v -> String.format(Locale.ROOT, "%.2f ×", v));
        verdict(label + " cost flat in the history (p50 at 10,000 ÷ at 100 ≤ 1.3)", ratioP50(big, small),
                v -> v <= 1.3, v -> String.format(Locale.ROOT, "%.2f", v));
    }

    private static Optional<Double> ratioP50(Optional<Result> a, Optional<Result> b) {
        return a.flatMap(x -> b.map(y -> x.percentileMicros("50.0") / y.percentileMicros("50.0")));
    }

    private Optional<Result> eventAdapter(String target, String adapter, String history) {
        return find("EventAdapterBench.append", Map.of("target", target, "adapter", adapter, "history", history));
    }

    private static String p50Ratio(Optional<Result> a, Optional<Result> b) {
        return ratioP50(a, b).map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("n/a");
    }

    private void renderNoise(StringBuilder md) {
        md.append("## Noise\n\n");
        md.append("Each figure is one JMH trial with the settings in the `jmh` row above."
                        + " Throughput figures show JMH's 99.9 % confidence interval over the measured iterations"
                        + " (± after the score); with 5 iterations it is wide, and differences under about 10 % are"
                        + " not meaningful. Latency percentiles come from JMH's sample mode (each sampled call timed"
                        + " on its own); p99 and above catch GC pauses, WAL checkpoints and the scheduling of other"
                        + " processes on a shared machine. On a machine shared with other work, load comes and goes on a"
                        + " scale of minutes, which no number of iterations averages out: the same benchmark can land 25 %"
                        + " apart in two runs. Compare figures of one run, prefer ratios measured side by side (the"
                        + " interleaved cross-check), and check the load before and after above.\n\n");
        md.append("<details><summary>Every result</summary>\n\n");
        md.append("| benchmark | params | mode | threads | score | ± | unit | samples |\n|---|---|---|---:|---:|---:|---|---:|\n");
        for (Result r : results) {
            md.append("| ").append(r.benchmark()).append(" | ").append(r.params()).append(" | ").append(r.mode())
                    .append(" | ").append(r.threads()).append(" | ").append(fmt(r.score())).append(" | ")
                    .append(fmt(r.error())).append(" | ").append(r.unit()).append(" | ")
                    .append(r.samples() > 0 ? Long.toString(r.samples()) : "").append(" |\n");
        }
        md.append("\n</details>\n");
    }

    // ---- helpers ----

    private void verdict(String what, Optional<Double> value, Function<Double, Boolean> pass,
                         Function<Double, String> show) {
        if (value.isEmpty() || value.get().isNaN()) {
            verdicts.add("**n/a** " + what + ": not measured in this run");
        } else {
            verdicts.add((pass.apply(value.get()) ? "**PASS** " : "**FAIL** ") + what + ": " + show.apply(value.get()));
        }
    }

    /**
     * A per-target verdict; for a PostgreSQL target, for which the issue set no targets, an informative
     * line instead (never a failure), and nothing when it was not measured.
     */
    private void targetVerdict(String target, String what, Optional<Double> value, Function<Double, Boolean> pass,
                               Function<Double, String> show) {
        if (!isPostgres(target)) {
            verdict(target + ": " + what, value, pass, show);
        } else if (value.isPresent() && !value.get().isNaN()) {
            verdicts.add("informative, " + (pass.apply(value.get()) ? "met" : "not met") + ": " + target + ": " + what
                    + ": " + show.apply(value.get()));
        }
    }

    private static boolean isPostgres(String target) {
        return target.startsWith("postgres-");
    }

    /** @return whether a benchmark whose name starts with {@code prefix} has a result for {@code target} */
    private boolean measured(String prefix, String target) {
        return results.stream().anyMatch(r -> r.benchmark().startsWith(prefix) && target.equals(r.params().get("target")));
    }

    /**
     * @return the targets that get a row in a table of these benchmarks: every embedded one (n/a where not
     *     measured, as before), the PostgreSQL ones only where they were run
     */
    private List<String> rows(String... prefixes) {
        return Target.NAMES.stream()
                .filter(t -> !isPostgres(t) || Arrays.stream(prefixes).anyMatch(p -> measured(p, t)))
                .toList();
    }

    private void info(String what, Optional<Double> value, Function<Double, String> show) {
        value.ifPresent(v -> verdicts.add("info: " + what + ": " + show.apply(v)));
    }

    /** @return the verdict lines, after {@link #render()} */
    List<String> verdicts() {
        return verdicts;
    }

    private static String ops(Optional<Result> r) {
        return r.map(x -> {
            double scale = x.opsPerSecond() / x.score();
            return fmtInt(x.opsPerSecond()) + (Double.isNaN(x.error()) ? "" : " ± " + fmtInt(x.error() * scale));
        }).orElse("n/a");
    }

    private static String gc(Optional<Result> r) {
        return r.map(x -> Double.isNaN(x.gcShare()) ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100 * x.gcShare()))
                .orElse("n/a");
    }

    private static String alloc(Optional<Result> r) {
        return r.map(x -> Double.isNaN(x.allocPerOp()) ? "n/a" : fmtInt(x.allocPerOp())).orElse("n/a");
    }

    private static String pct(Optional<Result> r, String p) {
        return r.map(x -> fmt(x.percentileMicros(p))).orElse("n/a");
    }

    private static String mean(Optional<Result> r) {
        return r.map(x -> fmt(x.micros(x.score()))).orElse("n/a");
    }

    private static String ratio(Optional<Result> a, Optional<Result> b) {
        return a.flatMap(x -> b.map(y -> String.format(Locale.ROOT, "%.2f", x.opsPerSecond() / y.opsPerSecond())))
                .orElse("n/a");
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return fmtInt(v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmtInt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
