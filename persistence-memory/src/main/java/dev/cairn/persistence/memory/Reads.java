package dev.cairn.persistence.memory;

import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.UsageEntry;
import dev.cairn.persistence.UsageLedger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds reads (SPEC rules 9 to 11 and 14). The caller holds the session's lock, so head, nodes,
 * checkpoint and ledger come from one moment (rule 12).
 */
final class Reads {
    private Reads() {
    }

    static PersistedSessionRead read(SessionState s, SessionReadScope scope) {
        NodeTable t = s.nodes;
        int leaf = s.head;
        int[] nodes;
        if (scope instanceof SessionReadScope.ActivePath) {
            nodes = path(t, leaf, Integer.MAX_VALUE);
        } else if (scope instanceof SessionReadScope.ActivePathTo to) {
            leaf = s.live(to.leafNodeId());
            if (leaf < 0) {
                throw new InvalidRequestException("Leaf " + Ids.quote(to.leafNodeId()) + " is not a live node of session "
                        + Ids.quote(s.id) + ": activePathTo needs a live node (not unknown, tombstoned or detached)");
            }
            nodes = path(t, leaf, Integer.MAX_VALUE);
        } else if (scope instanceof SessionReadScope.ActivePathTail tail) {
            nodes = path(t, leaf, tail.n());
        } else if (scope instanceof SessionReadScope.FullGraph) {
            nodes = all(t, false);
        } else if (scope instanceof SessionReadScope.FullGraphWithTombstones) {
            nodes = all(t, true);
        } else {
            throw new InvalidRequestException("Unknown read scope " + scope.getClass().getName());
        }
        SessionNode[] views = new SessionNode[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            views[i] = t.readView(nodes[i]);
        }
        UsageLedger usage = new UsageLedger(s.totalUsage(), s.modelTotals(), turns(s, nodes, views));
        return new PersistedSessionRead(s.meta, new SessionHead(s.headId, s.revision), Arrays.asList(views),
                s.resolve(leaf), usage);
    }

    /** @return the last {@code limit} nodes of the path from a root to {@code leaf}, root-most first */
    private static int[] path(NodeTable t, int leaf, int limit) {
        if (leaf < 0) {
            return new int[0];
        }
        int n = Math.min(t.depth(leaf), limit);
        int[] out = new int[n];
        int cur = leaf;
        for (int i = n - 1; i >= 0; i--) {
            out[i] = cur;
            cur = t.parent(cur);
        }
        return out;
    }

    private static int[] all(NodeTable t, boolean withTombstones) {
        int[] out = new int[t.size];
        int n = 0;
        for (int i = 0; i < t.size; i++) {
            byte state = t.state(i);
            if (state == NodeTable.LIVE || (withTombstones && state == NodeTable.TOMBSTONED)) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** @return the usage entries of these nodes, in commit order (rule 14) */
    private static List<UsageEntry> turns(SessionState s, int[] nodes, SessionNode[] views) {
        NodeTable t = s.nodes;
        // (entry number << 32 | index into nodes): sorting the longs sorts by commit order.
        long[] found = null;
        int n = 0;
        for (int i = 0; i < nodes.length; i++) {
            for (int e = t.lastTurn(nodes[i]); e != 0; e = s.turns.previous(e - 1)) {
                if (found == null) {
                    found = new long[Math.max(16, nodes.length)];
                } else if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = ((long) (e - 1) << 32) | i;
            }
        }
        if (found == null) {
            return List.of();
        }
        Arrays.sort(found, 0, n);
        List<UsageEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long f = found[i];
            entries.add(s.turns.entry((int) (f >>> 32), views[(int) f].nodeId()));
        }
        return entries;
    }
}
