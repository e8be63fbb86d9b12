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
import java.util.Comparator;
import java.util.List;

/**
 * Builds reads (SPEC rules 9 to 11 and 14). The caller holds the session's lock, so head, nodes,
 * checkpoint and ledger come from one moment (rule 12).
 */
final class Reads {
    private static final Comparator<Turn> COMMIT_ORDER = Comparator.comparingLong(Turn::ordinal);

    private Reads() {
    }

    static PersistedSessionRead read(SessionState s, SessionReadScope scope) {
        Node leaf = s.head;
        List<Node> nodes;
        if (scope instanceof SessionReadScope.ActivePath) {
            nodes = path(leaf, Integer.MAX_VALUE);
        } else if (scope instanceof SessionReadScope.ActivePathTo to) {
            leaf = s.live(to.leafNodeId());
            if (leaf == null) {
                throw new InvalidRequestException("Leaf " + Ids.quote(to.leafNodeId()) + " is not a live node of session "
                        + Ids.quote(s.id) + ": activePathTo needs a live node (not unknown, tombstoned or detached)");
            }
            nodes = path(leaf, Integer.MAX_VALUE);
        } else if (scope instanceof SessionReadScope.ActivePathTail tail) {
            nodes = path(leaf, tail.n());
        } else if (scope instanceof SessionReadScope.FullGraph) {
            nodes = all(s, false);
        } else if (scope instanceof SessionReadScope.FullGraphWithTombstones) {
            nodes = all(s, true);
        } else {
            throw new InvalidRequestException("Unknown read scope " + scope.getClass().getName());
        }
        List<SessionNode> views = new ArrayList<>(nodes.size());
        for (int i = 0, n = nodes.size(); i < n; i++) {
            views.add(nodes.get(i).readView());
        }
        UsageLedger usage = new UsageLedger(s.totalUsage(), s.modelTotals(), turns(nodes));
        return new PersistedSessionRead(s.meta, new SessionHead(s.headId, s.revision), views, s.resolve(leaf), usage);
    }

    /** @return the last {@code limit} nodes of the path from a root to {@code leaf}, root-most first */
    private static List<Node> path(Node leaf, int limit) {
        if (leaf == null) {
            return List.of();
        }
        int n = Math.min(leaf.depth, limit);
        Node[] out = new Node[n];
        Node cur = leaf;
        for (int i = n - 1; i >= 0; i--) {
            out[i] = cur;
            cur = cur.parent;
        }
        return Arrays.asList(out);
    }

    private static List<Node> all(SessionState s, boolean withTombstones) {
        List<Node> out = new ArrayList<>(s.size);
        for (int i = 0; i < s.size; i++) {
            Node node = s.nodes[i];
            if (node.isLive() || (withTombstones && node.state == Node.TOMBSTONED)) {
                out.add(node);
            }
        }
        return out;
    }

    /** @return the usage entries of these nodes, in commit order (rule 14) */
    private static List<UsageEntry> turns(List<Node> nodes) {
        List<Turn> found = null;
        for (int i = 0, n = nodes.size(); i < n; i++) {
            Node node = nodes.get(i);
            if (node.turns != null) {
                if (found == null) {
                    found = new ArrayList<>();
                }
                node.collectTurns(found);
            }
        }
        if (found == null) {
            return List.of();
        }
        found.sort(COMMIT_ORDER);
        List<UsageEntry> entries = new ArrayList<>(found.size());
        for (Turn t : found) {
            entries.add(t.entry());
        }
        return entries;
    }
}
