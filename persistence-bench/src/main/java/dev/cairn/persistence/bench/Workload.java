package dev.cairn.persistence.bench;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the benchmarks write: one turn is one node of about 200 bytes of JSON, appended under the
 * head, which moves to it, with one usage record, the way an agent host commits a step.
 */
public final class Workload {
    /** The model name of every usage record. */
    public static final String MODEL = "bench-model";
    /** The token counts of every usage record. */
    public static final TokenUsage USAGE = new TokenUsage(812, 95, 512, 0);
    /** The kind of every node. */
    public static final NodeKind KIND = NodeKind.ASSISTANT_RESPONSE;
    /** The id of the session that single-session benchmarks use. */
    public static final String SESSION = "bench";
    /** How many nodes one preload commit carries. */
    public static final int PRELOAD_BATCH = 1_000;
    /** The size of a checkpoint slot in the checkpoint benchmark. */
    public static final int SLOT_BYTES = 64 * 1024;

    /** A small assistant message as JSON, 200 bytes. */
    public static final byte[] PAYLOAD = payload();

    private Workload() {
    }

    private static byte[] payload() {
        String json = "{\"role\":\"assistant\",\"content\":\"The build passed on the second try; the flaky test"
                + " was a race in the cache warm-up.\",\"model\":\"bench-model\",\"finish_reason\":\"stop\","
                + "\"latency_ms\":1834,\"seq\":0}";
        StringBuilder b = new StringBuilder(json);
        while (b.length() < 200) {
            b.insert(b.length() - 1, ' ');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * 64 KiB of JSON-like runtime state, as a tool or plugin keeps it: repetitive enough that zstd
     * compresses it (about 3 to 1), varied enough that it is not trivial.
     *
     * @param seed the seed
     * @return the bytes
     */
    public static byte[] slotBytes(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder(SLOT_BYTES + 256);
        b.append("{\"entries\":[");
        String[] tools = {"read_file", "grep", "run_tests", "edit", "list_dir", "http_get"};
        while (b.length() < SLOT_BYTES - 200) {
            b.append("{\"tool\":\"").append(tools[r.nextInt(tools.length)]).append("\",\"path\":\"/src/main/java/app/")
                    .append(Long.toHexString(r.nextLong() & 0xffffffL)).append(".java\",\"line\":")
                    .append(r.nextInt(5000)).append(",\"ok\":").append(r.nextInt(10) > 0)
                    .append(",\"digest\":\"").append(Long.toHexString(r.nextLong())).append("\"},");
        }
        b.append("{}]}");
        byte[] out = new byte[SLOT_BYTES];
        byte[] text = b.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, out, 0, Math.min(text.length, out.length));
        for (int i = text.length; i < out.length; i++) {
            out[i] = ' ';
        }
        return out;
    }

    /** Creates a session with a bench-looking name and metadata. */
    static RuntimePersistence createSession(SessionStoreFactory factory, String sessionId) {
        return factory.createStore(SessionStoreCreateRequest.of(sessionId).withName("bench " + sessionId)
                .withModel(MODEL).withCwd("/work/app").withAttributes(Map.of("app", "bench")));
    }

    /**
     * A session being appended to by one thread: its store, its head and its revision.
     */
    public static final class Chain {
        private final RuntimePersistence store;
        private final String idPrefix;
        private String parent;
        private long revision;
        private long seq;

        /**
         * @param store the session's store
         * @param parent the current head, or null for none
         * @param revision the current revision
         * @param idPrefix the prefix of new node ids, unused by the stored ones
         */
        public Chain(RuntimePersistence store, String parent, long revision, String idPrefix) {
            this.store = store;
            this.parent = parent;
            this.revision = revision;
            this.idPrefix = idPrefix;
        }

        /**
         * Reads head and revision of a stored session.
         *
         * @param store the session's store
         * @param idPrefix the prefix of new node ids
         * @return the chain
         */
        public static Chain resume(RuntimePersistence store, String idPrefix) {
            var read = store.loadSession(SessionReadScope.activePathTail(1)).orElseThrow();
            return new Chain(store, read.head().nodeId().orElse(null), read.head().revision(), idPrefix);
        }

        /** @return the store */
        public RuntimePersistence store() {
            return store;
        }

        /** @return the revision after the last commit */
        public long revision() {
            return revision;
        }

        /** @return the head after the last commit, or null */
        public String head() {
            return parent;
        }

        private NewNode next(String id) {
            return parent == null ? NewNode.root(id, KIND, PAYLOAD) : NewNode.child(id, parent, KIND, PAYLOAD);
        }

        /**
         * The measured operation of the commit benchmarks: builds and commits one turn.
         *
         * @return the commit's result
         */
        public RuntimeCommitResult commitTurn() {
            String id = idPrefix + (++seq);
            RuntimeCommitResult r = store.commitRuntimeState(RuntimeCommit.expecting(revision)
                    .append(next(id)).head(id).usage(id, MODEL, USAGE).build());
            revision = r.revision();
            parent = id;
            return r;
        }

        /**
         * One turn that also carries a checkpoint slot.
         *
         * @param slot the slot's bytes
         * @return the commit's result
         */
        public RuntimeCommitResult commitTurnWithCheckpoint(byte[] slot) {
            String id = idPrefix + (++seq);
            RuntimeCommitResult r = store.commitRuntimeState(RuntimeCommit.expecting(revision)
                    .append(next(id)).head(id).usage(id, MODEL, USAGE).checkpoint("tool_state", slot).build());
            revision = r.revision();
            parent = id;
            return r;
        }

        /**
         * Appends nodes fast: commits of {@link #PRELOAD_BATCH} nodes each, every node a turn with a
         * usage record, the head on the last one.
         *
         * @param nodes how many nodes to append
         */
        public void preload(int nodes) {
            int done = 0;
            while (done < nodes) {
                int n = Math.min(PRELOAD_BATCH, nodes - done);
                RuntimeCommit.Builder b = RuntimeCommit.expecting(revision);
                String last = null;
                for (int i = 0; i < n; i++) {
                    String id = idPrefix + (++seq);
                    b.append(next(id)).usage(id, MODEL, USAGE);
                    parent = id;
                    last = id;
                }
                revision = store.commitRuntimeState(b.head(last).build()).revision();
                done += n;
            }
        }
    }
}
