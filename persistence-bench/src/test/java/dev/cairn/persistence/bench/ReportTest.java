package dev.cairn.persistence.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
