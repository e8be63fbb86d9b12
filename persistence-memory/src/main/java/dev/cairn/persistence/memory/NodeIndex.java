package dev.cairn.persistence.memory;

/**
 * A session's nodes by id: an open-addressing table of {@code long}s, each the id's hash in the
 * high half and the node's position in its {@link NodeTable} (plus one) in the low half.
 *
 * <p>Why not a {@code HashMap}: at a million nodes its entries are a million more objects that
 * every young collection finds reachable from a large old-generation table written at random
 * places (issue 19). A {@code long[]} holds no references, so the collector never scans it, and
 * growing it moves primitive words without touching a node. Removal happens only in vacuum, which
 * compacts the table and then adds every node again.
 */
final class NodeIndex {
    private static final int MIN_CAPACITY = 16;

    private long[] table = new long[MIN_CAPACITY];
    private int count;

    /** @return the position of the node with this id in {@code nodes}, or -1 */
    int get(NodeTable nodes, String id) {
        int hash = id.hashCode();
        int mask = table.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            long e = table[i];
            if (e == 0) {
                return -1;
            }
            if ((int) (e >>> 32) == hash) {
                int pos = (int) e - 1;
                if (nodes.hasId(pos, id)) {
                    return pos;
                }
            }
        }
    }

    /** Adds the node at {@code position}, whose id has this hash; the id is not in the table yet. */
    void add(int hash, int position) {
        if ((count + 1) * 2 > table.length) {
            resize(table.length * 2);
        }
        insert(table, hash, position);
        count++;
    }

    void clear() {
        table = new long[MIN_CAPACITY];
        count = 0;
    }

    private void resize(int capacity) {
        long[] grown = new long[capacity];
        for (long e : table) {
            if (e != 0) {
                insert(grown, (int) (e >>> 32), (int) e - 1);
            }
        }
        table = grown;
    }

    private static void insert(long[] t, int hash, int position) {
        int mask = t.length - 1;
        int i = spread(hash) & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = ((long) hash << 32) | ((position + 1) & 0xffffffffL);
    }

    /** Mixes the bits so ids that differ only at the end (n1, n2, ...) do not cluster. */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @Override
    public String toString() {
        return "NodeIndex[" + count + " of " + table.length + "]";
    }
}
