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

/**
 * The rows of a commit as the parameters of {@link OneTripSql}'s statements: one array per column
 * ({@code unnest}), or plain values for the common single row.
 */
final class OneTripRows {
    private OneTripRows() {
    }

    /**
     * Adds the insert of the nodes and their attachment rows.
     *
     * @param b the statements
     * @param c the connection, for arrays
     * @param nodes the commit's nodes, at least one
     * @param attachmentRows how many attachment references they hold
     * @param nowNs the commit's time
     * @param sid the session's key
     * @throws SQLException if an array cannot be made
     */
    static void nodes(OneTripStatement b, Connection c, List<PreparedCommit.Node> nodes, int attachmentRows, long nowNs,
                      long sid) throws SQLException {
        int n = nodes.size();
        if (n == 1 && attachmentRows == 0) {
            PreparedCommit.Node pn = nodes.get(0);
            NewNode node = pn.node();
            b.add(OneTripSql.INSERT_NODE, node.nodeId(), node.kind().name(), pn.payload().codec(), pn.payload().bytes(),
                    pn.payloadSize(), pn.payloadDigest(), pn.attachments().orElse(new byte[0]), nowNs,
                    node.parentNodeId().orElse(""), sid);
            return;
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
        b.add(OneTripSql.INSERT_NODES, c.createArrayOf("text", ids), c.createArrayOf("int4", parentOrd),
                c.createArrayOf("text", anchor), c.createArrayOf("text", kind), c.createArrayOf("int4", codec),
                c.createArrayOf("bytea", payload), c.createArrayOf("int4", size), c.createArrayOf("bytea", hash),
                c.createArrayOf("bytea", attachments), sid, n, nowNs, sid);
        if (attachmentRows > 0) {
            b.add(OneTripSql.INSERT_ATTACHMENTS, c.createArrayOf("text", refNode), c.createArrayOf("int4", refPos),
                    c.createArrayOf("bytea", refHash), sid);
        }
    }

    /**
     * Adds the insert of the usage records and the update of the totals, if there are records.
     *
     * @param b the statements
     * @param c the connection, for arrays
     * @param usage the commit's records
     * @param nowNs the commit's time
     * @param sid the session's key
     * @throws SQLException if an array cannot be made
     */
    static void usage(OneTripStatement b, Connection c, List<UsageRecord> usage, long nowNs, long sid)
            throws SQLException {
        if (usage.size() == 1) {
            UsageRecord r = usage.get(0);
            long in = r.usage().inputTokens();
            long out = r.usage().outputTokens();
            long cached = r.usage().cachedInputTokens();
            long reasoning = r.usage().reasoningTokens();
            b.add(OneTripSql.INSERT_ONE_USAGE, r.nodeId(), r.model(), in, out, cached, reasoning, nowNs, r.nodeId(),
                    sid);
            b.add(OneTripSql.ADD_ONE_TOTAL, sid, r.model(), in, out, cached, reasoning, sid, in, out,
                    cached, reasoning);
        } else if (!usage.isEmpty()) {
            int u = usage.size();
            String[] nodes = new String[u];
            String[] models = new String[u];
            Long[][] tokens = new Long[4][u];
            for (int i = 0; i < u; i++) {
                UsageRecord r = usage.get(i);
                nodes[i] = r.nodeId();
                models[i] = r.model();
                tokens[0][i] = r.usage().inputTokens();
                tokens[1][i] = r.usage().outputTokens();
                tokens[2][i] = r.usage().cachedInputTokens();
                tokens[3][i] = r.usage().reasoningTokens();
            }
            Array[] t = new Array[4];
            for (int i = 0; i < 4; i++) {
                t[i] = c.createArrayOf("int8", tokens[i]);
            }
            Array m = c.createArrayOf("text", models);
            b.add(OneTripSql.INSERT_USAGE, nowNs, c.createArrayOf("text", nodes), m, t[0], t[1], t[2], t[3],
                    sid);
            b.add(OneTripSql.ADD_TOTALS, m, t[0], t[1], t[2], t[3], sid);
        }
    }
}
