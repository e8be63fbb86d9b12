package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throwaway measurement, not a test: sequential single-session commits of one small node each,
 * with the default options (durability=process-crash). Run with
 * {@code java -cp target/classes:target/test-classes:<deps> dev.cairn.persistence.sqlite.CommitThroughput [commits [power-loss]]}.
 */
public final class CommitThroughput {
    private CommitThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("cairn-throughput");
        byte[] payload = "{\"role\":\"user\",\"text\":\"hello there, a small message\"}".getBytes(StandardCharsets.UTF_8);
        SqliteOptions options = args.length > 1 && args[1].equals("power-loss")
                ? SqliteOptions.DEFAULTS.withDurability(dev.cairn.persistence.Durability.POWER_LOSS_SAFE) : SqliteOptions.DEFAULTS;
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir, options);
             RuntimePersistence s = f.createStore(SessionStoreCreateRequest.of("bench"))) {
            String parent = null;
            long revision = 0;
            int warmup = Math.min(20_000, total / 5);
            long start = 0;
            for (int i = 0; i < warmup + total; i++) {
                if (i == warmup) {
                    start = System.nanoTime();
                }
                String id = "n" + i;
                NewNode node = parent == null ? NewNode.root(id, NodeKind.USER_INPUT, payload)
                        : NewNode.child(id, parent, NodeKind.USER_INPUT, payload);
                revision = s.commitRuntimeState(RuntimeCommit.expecting(revision).append(node).head(id).build()).revision();
                parent = id;
                if (i >= warmup && (i - warmup + 1) % 25_000 == 0) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    System.out.printf("%,d commits: %.0f commits/s%n", i - warmup + 1, (i - warmup + 1) / secs);
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("sequential commits of one small node: %,d in %.2f s = %.0f commits/s (%s)%n",
                    total, secs, total / secs, f.durability());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
