package dev.cairn.persistence.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The renderer, on results shaped like JMH's JSON. */
class ReportTest {
    private final ObjectMapper json = new ObjectMapper();
    private final ArrayNode results = json.createArrayNode();

    private void add(String bench, String mode, Map<String, String> params, double score, String unit, double p50, double p99) {
        add(results, bench, mode, params, score, unit, p50, p99);
    }

    private void add(ArrayNode results, String bench, String mode, Map<String, String> params, double score, String unit,
                     double p50, double p99) {
        ObjectNode r = results.addObject();
        r.put("benchmark", "dev.cairn.persistence.bench." + bench);
        r.put("mode", mode);
        r.put("threads", 1);
        r.put("forks", 1);
        r.put("jmhVersion", "1.37");
        r.put("warmupIterations", 2);
        r.put("warmupTime", "1 s");
        r.put("measurementIterations", 5);
        r.put("measurementTime", "1 s");
        r.put("vmName", "OpenJDK 64-Bit Server VM");
        r.put("vmVersion", "17");
        r.putArray("jvmArgs").add("-Xmx6g");
        ObjectNode p = r.putObject("params");
        params.forEach(p::put);
        ObjectNode m = r.putObject("primaryMetric");
        m.put("score", score);
        m.put("scoreError", score / 10);
        m.put("scoreUnit", unit);
        if (mode.equals("sample")) {
            m.putObject("scorePercentiles").put("50.0", p50).put("99.0", p99);
        }
    }

    @Test
    void rendersFiguresRatiosAndVerdicts() throws Exception {
        for (String t : Target.NAMES) {
            double ops = t.equals("memory") ? 2_000_000 : t.equals("sqlite-process-crash") ? 12_000 : 300;
            for (String n : List.of("0", "100", "10000", "100000")) {
                add("CommitBench.throughput", "thrpt", Map.of("target", t, "nodes", n), n.equals("100000") ? ops / 2 : ops,
                        "ops/s", 0, 0);
                add("CommitBench.latency", "sample", Map.of("target", t, "nodes", n), 1e6 / ops, "us/op", 0.8e6 / ops, 3e6 / ops);
            }
            add("ReadBench.activePathTail50", "sample", Map.of("target", t, "size", "100000"), 900, "us/op", 800, 2500);
            add("ConcurrentCommitBench.threads1", "thrpt", Map.of("target", t), ops, "ops/s", 0, 0);
            add("ConcurrentCommitBench.threads16", "thrpt", Map.of("target", t), ops * 1.1, "ops/s", 0, 0);
        }
        add("JdbcBaselineBench.throughput", "thrpt", Map.of("synchronous", "NORMAL"), 15_000, "ops/s", 0, 0);
        add("JdbcBaselineBench.throughput", "thrpt", Map.of("synchronous", "FULL"), 310, "ops/s", 0, 0);

        Report r = new Report(Report.parse(json.writeValueAsString(results)), Map.of("cores", "2",
                "interleaved sqlite-process-crash", "ratio median 0.91 (rounds 0.88 to 0.95); provider 9,000 commits/s"));
        String md = r.render();
        List<String> v = r.verdicts();
        assertTrue(v.contains("**PASS** memory commit median ≤ 1 µs: 0.40 µs p50"), v.toString());
        assertTrue(v.contains("**PASS** sqlite process-crash sequential commits ≥ 10,000/s: 12,000 ops/s"), v.toString());
        assertTrue(v.contains("**PASS** sqlite process-crash ≥ 0.6 × raw JDBC (synchronous=NORMAL), by the interleaved median:"
                + " 0.91 × (the JMH runs give 0.80 ×)"), v.toString());
        assertTrue(md.contains("- ratio median 0.91 (rounds 0.88 to 0.95); provider 9,000 commits/s"), md);
        assertTrue(v.contains("**PASS** memory: commit cost at 100,000 nodes ≤ 1.5 × cost at 100 (median latency; throughput ratio shown): 1.00 × by p50, 2.00 × by throughput"),
                v.toString());
        assertTrue(v.contains("**FAIL** sqlite-power-loss: 16 threads on 16 sessions ≥ 2 × one thread: 1.10 ×"), v.toString());
        assertTrue(v.stream().anyMatch(s -> s.startsWith("**PASS** sqlite-process-crash: activePathTail(50)")), v.toString());
        assertEquals(v.size(), md.lines().filter(l -> l.startsWith("- **") || l.startsWith("- info")).count());
        assertTrue(md.contains("| `sqlite-process-crash` | 12,000 ± 1,200 | 66.7 | 250 | 83.3 | 0.80 | n/a | n/a |"), md);
        assertTrue(md.contains("JVM args -Xmx6g"), md);
    }

    @Test
    void setsPostgresBesideSqliteFromSeparateRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (String t : List.of("sqlite-process-crash", "sqlite-power-loss")) {
            double ops = t.equals("sqlite-process-crash") ? 10_000 : 3_000;
            for (String n : List.of("0", "100", "100000")) {
                add("CommitBench.throughput", "thrpt", Map.of("target", t, "nodes", n), ops, "ops/s", 0, 0);
                add("CommitBench.latency", "sample", Map.of("target", t, "nodes", n), 1e6 / ops, "us/op", 1e6 / ops, 3e6 / ops);
            }
            add("ReadBench.activePathTail50", "sample", Map.of("target", t, "size", "100000"), 450, "us/op", 400, 500);
            add("ConcurrentCommitBench.threads1", "thrpt", Map.of("target", t), ops, "ops/s", 0, 0);
            add("ConcurrentCommitBench.threads16", "thrpt", Map.of("target", t), ops * 1.5, "ops/s", 0, 0);
            add("CheckpointBench.throughput", "thrpt", Map.of("target", t, "slot", "same"), ops / 2, "ops/s", 0, 0);
        }
        // PostgreSQL comes from runs of its own, in other files, with fewer parameters
        ArrayNode pg = json.createArrayNode();
        for (String t : List.of("postgres-process-crash", "postgres-power-loss")) {
            double ops = t.equals("postgres-process-crash") ? 1_250 : 750;
            add(pg, "CommitBench.throughput", "thrpt", Map.of("target", t, "nodes", "0"), ops, "ops/s", 0, 0);
            add(pg, "CommitBench.latency", "sample", Map.of("target", t, "nodes", "0"), 1e6 / ops, "us/op", 1e6 / ops, 4e6 / ops);
            add(pg, "ConcurrentCommitBench.threads1", "thrpt", Map.of("target", t), ops, "ops/s", 0, 0);
            add(pg, "ConcurrentCommitBench.threads16", "thrpt", Map.of("target", t), ops * 3, "ops/s", 0, 0);
        }
        add(pg, "CommitBench.latency", "sample", Map.of("target", "postgres-process-crash", "nodes", "100"), 800, "us/op", 800, 2000);
        add(pg, "CommitBench.latency", "sample", Map.of("target", "postgres-process-crash", "nodes", "100000"), 1000, "us/op", 1000, 3000);
        add(pg, "ReadBench.activePathTail50", "sample", Map.of("target", "postgres-process-crash", "size", "100000"), 1200,
                "us/op", 1000, 2500);
        java.nio.file.Path main = dir.resolve("jmh.json");
        java.nio.file.Path second = dir.resolve("jmh-postgres-1.json");
        java.nio.file.Files.writeString(main, json.writeValueAsString(results));
        java.nio.file.Files.writeString(second, json.writeValueAsString(pg));
        java.nio.file.Path env = dir.resolve("env.txt");
        java.nio.file.Files.writeString(env, "cores: 2\npostgres: PostgreSQL 17.2 from io.zonky binaries; fsync=on\n");
        java.nio.file.Path out = dir.resolve("BENCHMARKS.md");
        Report.main(new String[] {main + "," + second + "," + dir.resolve("jmh-postgres-2.json"), env.toString(), out.toString()});
        String md = java.nio.file.Files.readString(out);

        assertTrue(md.contains("| postgres | PostgreSQL 17.2 from io.zonky binaries; fsync=on |"), md);
        assertTrue(md.contains("## PostgreSQL vs SQLite, in this run"), md);
        assertTrue(md.contains("| commits/s, one thread, empty session, `process-crash` | 10,000 | 1,250 | 0.13 |"), md);
        assertTrue(md.contains("| commits/s, one thread, empty session, `power-loss` | 3,000 | 750 | 0.25 |"), md);
        assertTrue(md.contains("| commit p50 µs, one thread, empty session, `power-loss` | 333 | 1,333 | 4.00 |"), md);
        assertTrue(md.contains("| commit p50 at 100,000 nodes ÷ at 100 (cost of a long session), `process-crash` | 1.00 | 1.25 | 1.25 |"), md);
        assertTrue(md.contains("| 16 threads ÷ 1 thread, `power-loss` | 1.50 | 3.00 | 2.00 |"), md);
        assertTrue(md.contains("| `activePathTail(50)` p50 µs, 100,000 nodes (read on `process-crash`) | 400 | 1,000 | 2.50 |"), md);
        assertFalse(md.contains("cost of a long session), `power-loss`"), "not measured on PostgreSQL: no row");

        // beside SQLite in the scenario tables, where measured
        assertTrue(md.contains("| `postgres-power-loss` | 750 ± 75 | 1,333 | 5,333 | 1,333 |  | n/a | n/a |"), md);
        assertTrue(md.contains("| `postgres-process-crash` | `activePathTail(50)`, 100,000 nodes | 1,000 | 2,500 | 1,200 |"), md);
        String checkpoints = md.substring(md.indexOf("## 3."), md.indexOf("## 4."));
        assertFalse(checkpoints.contains("postgres"), checkpoints);

        // informative lines for PostgreSQL, never PASS/FAIL, nothing where not measured
        assertTrue(md.contains("- informative, met: postgres-process-crash: activePathTail(50) at 100,000 nodes ≤ 2 ms"), md);
        assertTrue(md.contains("- informative, met: postgres-process-crash: commit cost at 100,000 nodes ≤ 1.5 × cost at 100"), md);
        assertTrue(md.contains("- informative, met: postgres-power-loss: 16 threads on 16 sessions ≥ 2 × one thread: 3.00 ×"), md);
        assertFalse(md.contains("postgres-power-loss: commit cost"), md);
        assertFalse(md.lines().anyMatch(l -> l.startsWith("- **") && l.contains("postgres")), md);
    }

    @Test
    void rendersTheEventAdaptersAgainstTheBareCommitWithVerdicts() throws Exception {
        Map<String, Double> p50 = Map.of("bare", 50.0, "bare-slot", 120.0, "adk", 150.0, "adk-no-delta", 60.0,
                "langgraph4j", 140.0, "langgraph4j-same-state", 55.0);
        for (String h : List.of("100", "10000")) {
            p50.forEach((a, v) -> add("EventAdapterBench.append", "sample",
                    Map.of("target", "sqlite-process-crash", "adapter", a, "history", h), v * 1.2, "us/op", v, v * 3));
        }
        Report r = new Report(Report.parse(json.writeValueAsString(results)), Map.of("cores", "2"));
        String md = r.render();
        List<String> v = r.verdicts();
        assertTrue(md.contains("## 10. Event adapters"), md);
        assertTrue(md.contains("| `sqlite-process-crash` | 10,000 | 50.0 | 120 (2.40) | 150 (3.00) | 60.0 (1.20) | 140 (2.80) | 55.0 (1.10) |"), md);
        assertTrue(v.contains("**FAIL** sqlite-process-crash: adk ≤ 2 × a bare commit (p50, 10,000): 3.00 ×"), v.toString());
        assertTrue(v.contains("**PASS** sqlite-process-crash: adk-no-delta ≤ 2 × a bare commit (p50, 10,000): 1.20 ×"), v.toString());
        assertTrue(v.contains("**PASS** sqlite-process-crash: langgraph4j-same-state cost flat in the history (p50 at 10,000 ÷ at 100 ≤ 1.3): 1.00"),
                v.toString());
        assertTrue(v.contains("info: sqlite-process-crash: bare commit with a checkpoint slot ÷ bare commit (p50, 10,000): 2.40 ×"), v.toString());
        assertFalse(md.contains("| `memory` | 100 |"), "not measured: no row");
    }
}
