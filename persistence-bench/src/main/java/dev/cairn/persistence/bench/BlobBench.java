package dev.cairn.persistence.bench;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 8: blobs a session references. {@code loadBlob} of the session's own attachment and of a
 * "popular" one that {@value #SESSIONS} other sessions attach too, and a commit that references a
 * stored blob without carrying it. A session's store hands out only the blobs its session
 * references (SPEC rule 13), so these are the reads and commits that pay for that check.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class BlobBench {
    /** Sessions that attach the popular blob. */
    static final int SESSIONS = 1000;
    static final byte[] OWN = bytes("the session's own attachment, 2 KB ", 2048);
    static final byte[] POPULAR = bytes("a system prompt every session attaches ", 2048);

    private static byte[] bytes(String seed, int size) {
        byte[] b = new byte[size];
        byte[] s = seed.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (s[i % s.length] + i / s.length);
        }
        return b;
    }

    /** The bench session with a chain of 1,000 nodes, its own blob and the popular one, and 1,000 others. */
    @State(Scope.Benchmark)
    public static class Blobs {
        /** The store under test ({@link Target}). */
        @Param({"memory", "sqlite-process-crash", "postgres-process-crash"})
        public String target;

        SessionFixture fixture;
        RuntimePersistence store;
        BlobRef own;
        BlobRef popular;
        private long turn;

        /** Preloads and opens. */
        @Setup(Level.Trial)
        public void open() {
            fixture = SessionFixture.prepare(Target.of(target), Blobs::preload);
            fixture.open();
            store = fixture.factory().openExisting(Workload.SESSION).orElseThrow();
            own = BlobRef.of(OWN, BlobRef.OCTET_STREAM);
            popular = BlobRef.of(POPULAR, "text/plain");
        }

        private static void preload(SessionStoreFactory f) {
            try (RuntimePersistence s = Workload.createSession(f, Workload.SESSION)) {
                new Workload.Chain(s, null, 0, "p").preload(1000);
                RuntimeCommit.Builder b = RuntimeCommit.unconditional();
                BlobRef o = b.attach(OWN, BlobRef.OCTET_STREAM);
                BlobRef p = b.attach(POPULAR, "text/plain");
                s.commitRuntimeState(b.append(NewNode.root("blobs", NodeKind.TOOL_RESULT, new byte[16], o, p)).build());
            }
            for (int i = 0; i < SESSIONS; i++) {
                try (RuntimePersistence s = Workload.createSession(f, "other-" + i)) {
                    RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
                    BlobRef p = b.attach(POPULAR, "text/plain");
                    s.commitRuntimeState(b.append(NewNode.root("r", NodeKind.USER_INPUT, new byte[16], p)).head("r")
                            .build());
                }
            }
        }

        /** Closes and deletes. */
        @TearDown(Level.Trial)
        public void close() {
            fixture.close();
        }
    }

    /**
     * @param s the fixture
     * @return the session's own attachment
     */
    @Benchmark
    public Optional<byte[]> loadOwnBlob(Blobs s) {
        return s.store.loadBlob(s.own.hash());
    }

    /**
     * @param s the fixture
     * @return the attachment that 1,001 sessions reference
     */
    @Benchmark
    public Optional<byte[]> loadPopularBlob(Blobs s) {
        return s.store.loadBlob(s.popular.hash());
    }

    /**
     * @param s the fixture
     * @return a commit of a node that attaches the stored popular blob without carrying it
     */
    @Benchmark
    public RuntimeCommitResult commitReferencingAStoredBlob(Blobs s) {
        String id = "ref" + (++s.turn);
        return s.store.commitRuntimeState(RuntimeCommit.unconditional()
                .append(NewNode.root(id, NodeKind.USER_INPUT, new byte[16], s.popular, s.own)).build());
    }
}
