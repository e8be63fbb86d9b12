package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.UsageRecord;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rows of a commit as the parameters of {@link OneTripSql}'s statements: one array per column
 * ({@code unnest}), or plain values for the common single row.
 */
final class OneTripRows {
    private OneTripRows() {
    }

    /**
     * Adds the insert of the nodes and their attachment rows; of several nodes, with the usage records
     * ({@link OneTripSql#INSERT_NODES}).
     *
     * @param b the statements
     * @param c the connection, for arrays
     * @param nodes the commit's nodes, at least one
     * @param usage the commit's usage records
     * @param attachmentRows how many attachment references they hold
     * @param nowNs the commit's time
     * @param sid the session's key
     * @return whether the usage records were inserted with the nodes (then {@link #usage} adds the totals only)
     * @throws SQLException if an array cannot be made
     */
    static boolean nodes(OneTripStatement b, Connection c, List<PreparedCommit.Node> nodes, List<UsageRecord> usage,
                         int attachmentRows, long nowNs, long sid) throws SQLException {
        int n = nodes.size();
        if (n == 1 && attachmentRows == 0) {
            PreparedCommit.Node pn = nodes.get(0);
            NewNode node = pn.node();
            b.add(OneTripSql.INSERT_NODE, node.nodeId(), node.kind().name(), pn.payload().codec(), pn.payload().bytes(),
                    pn.payloadSize(), pn.payloadDigest(), pn.attachments().orElse(new byte[0]), nowNs,
                    node.parentNodeId().orElse(""), sid);
            return false;
        }
        String[] ids = new String[n];
        Integer[] parentOrd = new Integer[n];
        String[] anchor = new String[n];
        String[] kind = new String[n];
        Integer[] codec = new Integer[n];
        byte[][] payload = new byte[n][];
        Integer[] size = new Integer[n];
        byte[][] hash = new byte[n][];
        byte[][] attachments = new byte[n][];
        String[] refNode = new String[attachmentRows];
        Integer[] refPos = new Integer[attachmentRows];
        byte[][] refHash = new byte[attachmentRows][];
        Map<String, Integer> position = new HashMap<>();
        int row = 0;
        for (int i = 0; i < n; i++) {
            PreparedCommit.Node pn = nodes.get(i);
            NewNode node = pn.node();
            ids[i] = node.nodeId();
            Integer p = node.parentNodeId().map(position::get).orElse(null);
            parentOrd[i] = p == null ? 0 : p + 1;
            anchor[i] = p != null ? anchor[p] : node.parentNodeId().orElse("");
            kind[i] = node.kind().name();
            codec[i] = pn.payload().codec();
            payload[i] = pn.payload().bytes();
            size[i] = pn.payloadSize();
            hash[i] = pn.payloadDigest();
            attachments[i] = pn.attachments().orElse(new byte[0]);
            position.putIfAbsent(node.nodeId(), i);
            List<BlobRef> refs = node.attachments();
            for (int k = 0; k < refs.size(); k++, row++) {
                refNode[row] = node.nodeId();
                refPos[row] = k;
                refHash[row] = refs.get(k).hash().toBytes();
            }
        }
        Integer[] usageOrd = usage.stream().map(r -> position.getOrDefault(r.nodeId(), -1) + 1)
                .toArray(Integer[]::new);
        Array[] tokens = tokens(c, usage);
        b.add(OneTripSql.INSERT_NODES, c.createArrayOf("text", ids), c.createArrayOf("int4", parentOrd),
                c.createArrayOf("text", anchor), c.createArrayOf("text", kind), c.createArrayOf("int4", codec),
                c.createArrayOf("bytea", payload), c.createArrayOf("int4", size), c.createArrayOf("bytea", hash),
                c.createArrayOf("bytea", attachments), sid, n, nowNs, sid,
                nowNs, nodeIds(c, usage), c.createArrayOf("int4", usageOrd), models(c, usage),
                tokens[0], tokens[1], tokens[2], tokens[3], sid);
        if (attachmentRows > 0) {
            b.add(OneTripSql.INSERT_ATTACHMENTS, c.createArrayOf("text", refNode), c.createArrayOf("int4", refPos),
                    c.createArrayOf("bytea", refHash), sid);
        }
        return true;
    }

    /**
     * The per-model sums of the records, and the all-models sum under {@link Sql#TOTAL_MODEL}: input,
     * output, cached, reasoning tokens.
     *
     * @param usage the records
     * @return the sums by model; empty if one does not fit a {@code long} (the slow path then gives the error)
     */
    static Optional<TreeMap<String, long[]>> totals(List<UsageRecord> usage) {
        TreeMap<String, long[]> sums = new TreeMap<>();
        try {
            for (UsageRecord r : usage) {
                long[] t = {r.usage().inputTokens(), r.usage().outputTokens(), r.usage().cachedInputTokens(),
                        r.usage().reasoningTokens()};
                for (String model : List.of(r.model(), Sql.TOTAL_MODEL)) {
                    long[] sum = sums.computeIfAbsent(model, m -> new long[4]);
                    for (int i = 0; i < 4; i++) {
                        sum[i] = Math.addExact(sum[i], t[i]);
                    }
                }
            }
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.of(sums);
    }

    /**
     * Adds the insert of the usage records, unless {@link #nodes} did, and the update of the totals, if
     * there are records.
     *
     * @param b the statements
     * @param c the connection, for arrays
     * @param usage the commit's records
     * @param totals their sums ({@link #totals})
     * @param inserted whether the records were inserted with the nodes
     * @param nowNs the commit's time
     * @param sid the session's key
     * @throws SQLException if an array cannot be made
     */
    static void usage(OneTripStatement b, Connection c, List<UsageRecord> usage, TreeMap<String, long[]> totals,
                      boolean inserted, long nowNs, long sid) throws SQLException {
        if (usage.size() == 1) {
            UsageRecord r = usage.get(0);
            long in = r.usage().inputTokens();
            long out = r.usage().outputTokens();
            long cached = r.usage().cachedInputTokens();
            long reasoning = r.usage().reasoningTokens();
            if (!inserted) {
                b.add(OneTripSql.INSERT_ONE_USAGE, r.nodeId(), r.model(), in, out, cached, reasoning, nowNs,
                        r.nodeId(), sid);
            }
            b.add(OneTripSql.ADD_ONE_TOTAL, sid, r.model(), in, out, cached, reasoning, sid, in, out,
                    cached, reasoning);
        } else if (!usage.isEmpty()) {
            if (!inserted) {
                Array[] tokens = tokens(c, usage);
                b.add(OneTripSql.INSERT_USAGE, nowNs, nodeIds(c, usage), models(c, usage), tokens[0], tokens[1],
                        tokens[2], tokens[3], sid);
            }
            Array[] t = totals(c, totals);
            b.add(OneTripSql.ADD_TOTALS, sid, t[0], t[1], t[2], t[3], t[4]);
        }
    }

    /** @return the sums ({@link #totals(List)}) as arrays: the models, then the 4 token sums, one element per model */
    static Array[] totals(Connection c, TreeMap<String, long[]> totals) throws SQLException {
        int k = totals.size();
        Long[][] sums = new Long[4][k];
        int j = 0;
        for (long[] sum : totals.values()) {
            for (int i = 0; i < 4; i++) {
                sums[i][j] = sum[i];
            }
            j++;
        }
        Array[] arrays = new Array[5];
        arrays[0] = c.createArrayOf("text", totals.keySet().toArray(new String[0]));
        for (int i = 0; i < 4; i++) {
            arrays[i + 1] = c.createArrayOf("int8", sums[i]);
        }
        return arrays;
    }

    static Array nodeIds(Connection c, List<UsageRecord> usage) throws SQLException {
        return c.createArrayOf("text", usage.stream().map(UsageRecord::nodeId).toArray(String[]::new));
    }

    static Array models(Connection c, List<UsageRecord> usage) throws SQLException {
        return c.createArrayOf("text", usage.stream().map(UsageRecord::model).toArray(String[]::new));
    }

    /** @return the records' input, output, cached and reasoning token counts, one array each */
    static Array[] tokens(Connection c, List<UsageRecord> usage) throws SQLException {
        int u = usage.size();
        Long[][] tokens = new Long[4][u];
        for (int i = 0; i < u; i++) {
            UsageRecord r = usage.get(i);
            tokens[0][i] = r.usage().inputTokens();
            tokens[1][i] = r.usage().outputTokens();
            tokens[2][i] = r.usage().cachedInputTokens();
            tokens[3][i] = r.usage().reasoningTokens();
        }
        Array[] arrays = new Array[4];
        for (int i = 0; i < 4; i++) {
            arrays[i] = c.createArrayOf("int8", tokens[i]);
        }
        return arrays;
    }
}
