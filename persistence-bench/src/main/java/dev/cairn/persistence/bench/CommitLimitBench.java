package dev.cairn.persistence.bench;

import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.TokenUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The plain-Java limit of {@link CommitBench}'s memory target (issue 19): the work no in-memory
 * store can skip for one turn, with no API, no checks and no locks. It names the node (the same id
 * string the benchmark builds), copies the caller's 200-byte payload (the caller keeps its array),
 * appends a node record to a list and to an id map, moves the head and adds the usage to a running
 * total. Same forks, heap, warm-up and iterations as {@link CommitBench}, and a fresh session every
 * iteration, so the two are run together and compared as a ratio ({@code CommitBench.*|CommitLimitBench.*}).
 *
 * <p>Two layouts of that work: {@code objects} keeps a record per node in a list and a {@code HashMap}
 * (what plain Java code would write first); {@code columns} keeps what the memory store keeps since
 * issue 19 and nothing more: the id and payload bytes appended to 1 MiB pages, parent, seq and time in
 * primitive arrays, the id in an open-addressing {@code long[]} (found, as a commit must check that the
 * id is free). With a session that grows by a million nodes, the first spends most of its time in the
 * collector copying the records. {@code rows} is the limit of the store's layout since issue 19's
 * third pass: the same work, with pages of one G1 region less a header and the node's place, parent,
 * seq and time as one row of a chunk that size, so the collector copies neither (at {@code -Xmx6g}
 * {@code columns}' 1 MiB pages and doubling arrays are copied by young collections, which made it
 * slower than the store it bounds on a busy machine).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class CommitLimitBench {
    /** How many nodes the session holds when an iteration starts. */
    @Param({"0", "100000"})
    public int nodes;

    /** {@code objects}, {@code columns} or {@code rows}: how the session keeps its nodes. */
    @Param({"objects", "columns", "rows"})
    public String layout;

    private Turns session;

    /** A fresh session of {@code nodes} nodes. */
    @Setup(Level.Iteration)
    public void open() {
        session = switch (layout) {
            case "columns" -> new Columns();
            case "rows" -> new RegionRows();
            default -> new Session();
        };
        for (int i = 0; i < nodes; i++) {
            session.commitTurn();
        }
    }

    /** @return the new head */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object throughput() {
        return session.commitTurn();
    }

    /** @return the new head */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object latency() {
        return session.commitTurn();
    }

    /**
     * One stored node.
     *
     * @param id the node's id
     * @param parent the parent, or null
     * @param kind the kind
     * @param payload the payload (a private copy)
     * @param seq the node's position
     * @param createdAt when it was committed
     */
    record Rec(String id, Rec parent, NodeKind kind, byte[] payload, long seq, Instant createdAt) {
    }

    /** A session that takes turns. */
    interface Turns {
        /** @return something of the new node, so the work cannot be skipped */
        Object commitTurn();
    }

    /** The session: its nodes in order and by id, its head, its usage total. */
    static final class Session implements Turns {
        private final List<Rec> nodes = new ArrayList<>();
        private final Map<String, Rec> byId = new HashMap<>();
        private Rec head;
        private long revision;
        private long input;
        private long output;
        private long cached;
        private long reasoning;

        @Override
        public Rec commitTurn() {
            String id = "n" + (nodes.size() + 1);
            Rec r = new Rec(id, head, Workload.KIND, Workload.PAYLOAD.clone(), nodes.size() + 1L, Instant.now());
            nodes.add(r);
            byId.put(id, r);
            head = r;
            revision++;
            TokenUsage u = Workload.USAGE;
            input += u.inputTokens();
            output += u.outputTokens();
            cached += u.cachedInputTokens();
            reasoning += u.reasoningTokens();
            return r;
        }

        long revision() {
            return revision;
        }
    }

    /** The same session as columns: bytes in pages, numbers in arrays, ids in a {@code long[]} index. */
    static class Columns implements Turns {
        private static final int PAGE = 1 << 20;
        byte[][] pages = new byte[4][];
        int pageCount;
        int fill = PAGE;
        private long[] at = new long[16];
        private int[] parent = new int[16];
        private long[] seq = new long[16];
        private long[] createdAt = new long[16];
        private long[] index = new long[16];
        int size;
        int head = -1;
        long revision;
        final long[] total = new long[4];

        /** @return where node {@code pos}'s id starts: page high, offset low */
        long place(int pos) {
            return at[pos];
        }

        @Override
        public Object commitTurn() {
            String id = newId();
            long place = put(id, Workload.PAYLOAD, PAGE);
            if (size == seq.length) {
                int grown = size * 2;
                at = Arrays.copyOf(at, grown);
                parent = Arrays.copyOf(parent, grown);
                seq = Arrays.copyOf(seq, grown);
                createdAt = Arrays.copyOf(createdAt, grown);
            }
            Instant now = Instant.now();
            at[size] = place;
            parent[size] = head;
            seq[size] = size + 1L;
            createdAt[size] = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            index(id, size);
            moveHeadAndAddUsage();
            return now;
        }

        /** Appends the id's bytes and the payload to the last page ({@code pageSize} long) or a new one. @return their place */
        final long put(String id, byte[] payload, int pageSize) {
            int n = id.length() + payload.length;
            if (fill + n > pageSize) {
                if (pageCount == pages.length) {
                    pages = Arrays.copyOf(pages, pageCount * 2);
                }
                pages[pageCount++] = new byte[pageSize];
                fill = 0;
            }
            byte[] page = pages[pageCount - 1];
            for (int i = 0; i < id.length(); i++) {
                page[fill + i] = (byte) id.charAt(i);
            }
            System.arraycopy(payload, 0, page, fill + id.length(), payload.length);
            long place = ((long) (pageCount - 1) << 32) | fill;
            fill += n;
            return place;
        }

        /** @return the next node's id, proven free (a commit must check it) */
        final String newId() {
            String id = "n" + (size + 1);
            if (find(id) >= 0) {
                throw new IllegalStateException("taken: " + id);
            }
            return id;
        }

        /** The node just appended becomes the head; its usage goes to the total. */
        final void moveHeadAndAddUsage() {
            head = size++;
            revision++;
            TokenUsage u = Workload.USAGE;
            total[0] += u.inputTokens();
            total[1] += u.outputTokens();
            total[2] += u.cachedInputTokens();
            total[3] += u.reasoningTokens();
        }

        final int find(String id) {
            int h = id.hashCode();
            int mask = index.length - 1;
            for (int i = spread(h) & mask; index[i] != 0; i = (i + 1) & mask) {
                if ((int) (index[i] >>> 32) == h) {
                    int pos = (int) index[i] - 1;
                    long a = place(pos);
                    byte[] page = pages[(int) (a >>> 32)];
                    int o = (int) a;
                    boolean same = true;
                    for (int k = 0; k < id.length() && same; k++) {
                        same = page[o + k] == id.charAt(k);
                    }
                    if (same) {
                        return pos;
                    }
                }
            }
            return -1;
        }

        final void index(String id, int pos) {
            if ((size + 1) * 2 > index.length) {
                long[] old = index;
                index = new long[old.length * 2];
                for (long e : old) {
                    if (e != 0) {
                        insert((int) (e >>> 32), e);
                    }
                }
            }
            int h = id.hashCode();
            insert(h, ((long) h << 32) | (pos + 1));
        }

        private void insert(int h, long entry) {
            int mask = index.length - 1;
            int i = spread(h) & mask;
            while (index[i] != 0) {
                i = (i + 1) & mask;
            }
            index[i] = entry;
        }

        private static int spread(int h) {
            h *= 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }

    /**
     * The store's layout as a limit: id and payload bytes in pages of one G1 region less the array
     * header, a node's place, parent, seq and time as four adjacent words of a chunk of about one
     * region, ids in the {@code long[]} index of {@link Columns}. Arrays of half a region or more are
     * humongous in G1, so a young collection neither copies nor scans them, and growing never copies
     * a row. The region is G1's ergonomic one for this heap ({@code maxHeap / 2048}, a power of two
     * from 1 to 32 MiB), as the memory store computes it.
     */
    static final class RegionRows extends Columns {
        private static final long REGION = region(Runtime.getRuntime().maxMemory());
        private static final int PAGE = (int) REGION - 16;
        private static final int WIDTH = 4;
        private static final int BITS = Integer.numberOfTrailingZeros(Integer.highestOneBit(PAGE / (WIDTH * 8)));
        private static final int MASK = (1 << BITS) - 1;
        private long[][] chunks = new long[4][];

        RegionRows() {
            fill = PAGE;
        }

        static long region(long maxHeap) {
            long r = Math.min(32L << 20, Math.max(1L << 20, maxHeap / 2048));
            long up = Long.highestOneBit(r);
            return up == r ? r : Math.min(32L << 20, up << 1);
        }

        @Override
        long place(int pos) {
            return chunks[pos >>> BITS][(pos & MASK) * WIDTH];
        }

        @Override
        public Object commitTurn() {
            String id = newId();
            long place = put(id, Workload.PAYLOAD, PAGE);
            int c = size >>> BITS;
            if (c == chunks.length) {
                chunks = Arrays.copyOf(chunks, c * 2);
            }
            if (chunks[c] == null) {
                chunks[c] = new long[(MASK + 1) * WIDTH];
            }
            long[] chunk = chunks[c];
            int o = (size & MASK) * WIDTH;
            Instant now = Instant.now();
            chunk[o] = place;
            chunk[o + 1] = head;
            chunk[o + 2] = size + 1L;
            chunk[o + 3] = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            index(id, size);
            moveHeadAndAddUsage();
            return now;
        }
    }
}
