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
 *
 * <p>Growing is incremental (issue 19, memory third pass): at half full the table is replaced by
 * one twice as large, and the old one is kept, read-only, while each later {@link #add} moves
 * {@value #STEP} of its slots over; a lookup that misses the new table looks in the old one too.
 * So no commit rehashes the whole table (at a million nodes a 16 MB copy, tens of milliseconds
 * of one commit). The old table is drained after a quarter of its capacity in adds, long before
 * the new one is half full, so there are never more than two.
 */
final class NodeIndex {
    private static final int MIN_CAPACITY = 16;
    /** Slots of {@link #old} moved per {@link #add}: enough to drain it before the next growth needs it empty. */
    static final int STEP = 4;

    private long[] table = new long[MIN_CAPACITY];
    /** The table before the last growth while its entries are being moved over, else null. Never written. */
    private long[] old;
    /** The next slot of {@link #old} to move. */
    private int cursor;
    private int count;

    /** @return the position of the node with this id in {@code nodes}, or -1 */
    int get(NodeTable nodes, String id) {
        int hash = id.hashCode();
        int pos = get(table, nodes, id, hash);
        // An entry not moved yet is still in the old table, at its place there (it is never written).
        return pos >= 0 || old == null ? pos : get(old, nodes, id, hash);
    }

    private static int get(long[] t, NodeTable nodes, String id, int hash) {
        int mask = t.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            long e = t[i];
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
        if (old != null) {
            move();
        }
        if ((count + 1) * 2 > table.length) {
            while (old != null) {
                move(); // not reached: the last growth was drained a quarter of its capacity ago
            }
            old = table;
            cursor = 0;
            table = new long[table.length * 2];
            move();
        }
        insert(table, ((long) hash << 32) | ((position + 1) & 0xffffffffL));
        count++;
    }

    /** Moves the next {@link #STEP} slots of {@link #old} into {@link #table}; drops {@link #old} when done. */
    private void move() {
        long[] from = old;
        int end = Math.min(from.length, cursor + STEP);
        for (int i = cursor; i < end; i++) {
            if (from[i] != 0) {
                insert(table, from[i]);
            }
        }
        cursor = end;
        if (end == from.length) {
            old = null;
        }
    }

    void clear() {
        table = new long[MIN_CAPACITY];
        old = null;
        count = 0;
    }

    /** @return whether a growth is still being moved over, for tests */
    boolean growing() {
        return old != null;
    }

    private static void insert(long[] t, long entry) {
        int mask = t.length - 1;
        int i = spread((int) (entry >>> 32)) & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = entry;
    }

    /** Mixes the bits so ids that differ only at the end (n1, n2, ...) do not cluster. */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @Override
    public String toString() {
        return "NodeIndex[" + count + " of " + table.length + (old == null ? "" : ", moving " + cursor + " of " + old.length) + "]";
    }
}
