package dev.cairn.persistence.tck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The model behind the kit's power-cut file system: files and directories as a disk holds them
 * durably, plus every change not yet made durable, in the order it was made.
 *
 * <p>What is durable: a write or truncation of a file once that file was synced (fsync or
 * fdatasync); a create, mkdir, rename, unlink or rmdir once the directory holding the entry was
 * synced (a rename is one operation, durable when either directory is synced). Until then a change
 * is only in the volatile view, which is what the file system shows. {@link #cut} is the power cut:
 * the first {@code k} unsynced changes reach the disk (the next one, if a write, may be torn at a
 * {@value #BLOCK}-byte block boundary), the rest is lost, and the view becomes the durable state.
 * Not thread-safe: {@link PowerCutFs} calls it under one lock.
 */
final class PowerCutDisk {
    static final int BLOCK = 4096;
    static final long ROOT = 1;

    /** A file or directory. */
    static final class Node {
        final long ino;
        final boolean dir;
        byte[] data = new byte[0];
        long size;
        final TreeMap<String, Long> entries;
        long mtimeMillis = System.currentTimeMillis();

        Node(long ino, boolean dir) {
            this.ino = ino;
            this.dir = dir;
            this.entries = dir ? new TreeMap<>() : null;
        }

        Node copy() {
            Node n = new Node(ino, dir);
            n.data = Arrays.copyOf(data, (int) size);
            n.size = size;
            if (dir) {
                n.entries.putAll(entries);
            }
            n.mtimeMillis = mtimeMillis;
            return n;
        }

        void write(long off, byte[] bytes, int len) {
            long end = off + len;
            if (end > data.length) {
                data = Arrays.copyOf(data, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 8, 2L * data.length)));
            }
            System.arraycopy(bytes, 0, data, (int) off, len);
            size = Math.max(size, end);
        }

        void truncate(long to) {
            if (to < size) {
                Arrays.fill(data, (int) to, (int) size, (byte) 0);
            } else if (to > data.length) {
                data = Arrays.copyOf(data, (int) to);
            }
            size = to;
        }
    }

    /** An unsynced change; {@code targets} are the inodes whose sync makes it durable. */
    private interface Op {
        boolean targets(long ino);

        void apply(Map<Long, Node> to);

        long bytes();
    }

    private record Write(long ino, long off, byte[] data) implements Op {
        public boolean targets(long i) {
            return i == ino;
        }

        public void apply(Map<Long, Node> to) {
            file(to, ino).write(off, data, data.length);
        }

        public long bytes() {
            return data.length + 64;
        }
    }

    private record Truncate(long ino, long size) implements Op {
        public boolean targets(long i) {
            return i == ino;
        }

        public void apply(Map<Long, Node> to) {
            file(to, ino).truncate(size);
        }

        public long bytes() {
            return 64;
        }
    }

    private record Link(long dir, String name, long child, boolean childDir) implements Op {
        public boolean targets(long i) {
            return i == dir;
        }

        public void apply(Map<Long, Node> to) {
            to.computeIfAbsent(child, c -> new Node(c, childDir));
            directory(to, dir).entries.put(name, child);
        }

        public long bytes() {
            return 64 + name.length();
        }
    }

    private record Unlink(long dir, String name) implements Op {
        public boolean targets(long i) {
            return i == dir;
        }

        public void apply(Map<Long, Node> to) {
            directory(to, dir).entries.remove(name);
        }

        public long bytes() {
            return 64 + name.length();
        }
    }

    private record Rename(long fromDir, String from, long toDir, String to, long ino, boolean isDir) implements Op {
        public boolean targets(long i) {
            return i == fromDir || i == toDir;
        }

        public void apply(Map<Long, Node> m) {
            directory(m, fromDir).entries.remove(from);
            m.computeIfAbsent(ino, c -> new Node(c, isDir));
            directory(m, toDir).entries.put(to, ino);
        }

        public long bytes() {
            return 64 + from.length() + to.length();
        }
    }

    private final long capacity;
    private Map<Long, Node> view = new HashMap<>();
    private final Map<Long, Node> durable = new HashMap<>();
    private final List<Op> pending = new ArrayList<>();
    private final Map<Long, Integer> openCount = new HashMap<>();
    private long nextIno = ROOT + 1;
    private long used;

    /** @param capacity the bytes the disk holds (file data and unsynced changes); more is ENOSPC */
    PowerCutDisk(long capacity) {
        this.capacity = capacity;
        durable.put(ROOT, new Node(ROOT, true));
        view.put(ROOT, new Node(ROOT, true));
    }

    private static Node file(Map<Long, Node> m, long ino) {
        return m.computeIfAbsent(ino, i -> new Node(i, false));
    }

    private static Node directory(Map<Long, Node> m, long ino) {
        return m.computeIfAbsent(ino, i -> new Node(i, true));
    }

    long capacity() {
        return capacity;
    }

    long used() {
        return used;
    }

    int pendingCount() {
        return pending.size();
    }

    /** @return the node at an absolute path ({@code /a/b}), if there is one */
    Optional<Node> lookup(String path) {
        Node n = view.get(ROOT);
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (n == null || !n.dir) {
                return Optional.empty();
            }
            Long child = n.entries.get(part);
            n = child == null ? null : view.get(child);
        }
        return Optional.ofNullable(n);
    }

    Optional<Node> node(long ino) {
        return Optional.ofNullable(view.get(ino));
    }

    private boolean room(long more) {
        return used + more <= capacity;
    }

    private void log(Op op) {
        pending.add(op);
        used += op.bytes();
    }

    /** @return the new node, or empty if the disk is full */
    Optional<Node> create(Node parent, String name, boolean dir) {
        if (!room(256)) {
            return Optional.empty();
        }
        Node n = new Node(nextIno++, dir);
        view.put(n.ino, n);
        parent.entries.put(name, n.ino);
        parent.mtimeMillis = System.currentTimeMillis();
        log(new Link(parent.ino, name, n.ino, dir));
        return Optional.of(n);
    }

    void remove(Node parent, String name) {
        Long ino = parent.entries.remove(name);
        parent.mtimeMillis = System.currentTimeMillis();
        log(new Unlink(parent.ino, name));
        if (ino != null) {
            forgetIfUnused(ino);
        }
    }

    void rename(Node fromDir, String from, Node toDir, String to) {
        long ino = fromDir.entries.remove(from);
        Long replaced = toDir.entries.put(to, ino);
        fromDir.mtimeMillis = System.currentTimeMillis();
        toDir.mtimeMillis = fromDir.mtimeMillis;
        log(new Rename(fromDir.ino, from, toDir.ino, to, ino, view.get(ino).dir));
        if (replaced != null && replaced != ino) {
            forgetIfUnused(replaced);
        }
    }

    /** @return false if the disk is full */
    boolean write(Node n, long off, byte[] bytes) {
        long grow = Math.max(0, off + bytes.length - n.size);
        if (!room(bytes.length + 64 + grow)) {
            return false;
        }
        used += grow;
        n.write(off, bytes, bytes.length);
        n.mtimeMillis = System.currentTimeMillis();
        log(new Write(n.ino, off, bytes));
        return true;
    }

    /** @return false if the disk is full */
    boolean truncate(Node n, long size) {
        long grow = size - n.size;
        if (!room(64 + Math.max(0, grow))) {
            return false;
        }
        used += grow;
        n.truncate(size);
        n.mtimeMillis = System.currentTimeMillis();
        log(new Truncate(n.ino, size));
        return true;
    }

    void opened(Node n) {
        openCount.merge(n.ino, 1, Integer::sum);
    }

    void released(long ino) {
        if (openCount.merge(ino, -1, Integer::sum) <= 0) {
            openCount.remove(ino);
            forgetIfUnused(ino);
        }
    }

    private void forgetIfUnused(long ino) {
        if (openCount.containsKey(ino) || reachable(ino)) {
            return;
        }
        Node gone = view.remove(ino);
        if (gone != null) {
            used -= gone.size;
        }
    }

    private boolean reachable(long ino) {
        for (Node n : view.values()) {
            if (n.dir && n.entries.containsValue(ino)) {
                return true;
            }
        }
        return false;
    }

    /** fsync, fdatasync or fsyncdir of a node: its unsynced changes become durable, in order. */
    void sync(long ino) {
        for (var it = pending.iterator(); it.hasNext();) {
            Op op = it.next();
            if (op.targets(ino)) {
                op.apply(durable);
                used -= op.bytes();
                it.remove();
            }
        }
    }

    /** Makes every change durable, as {@code sync(1)} does. */
    void syncAll() {
        for (Op op : pending) {
            op.apply(durable);
            used -= op.bytes();
        }
        pending.clear();
    }

    /**
     * The power cut: a random prefix of the unsynced changes reaches the disk, the next one, if a
     * write, possibly in part (whole blocks from its start), the rest is lost; the view becomes
     * what is durable, and every open file is forgotten.
     *
     * @return what was kept, for failure messages
     */
    String cut(SplittableRandom rnd) {
        int n = pending.size();
        int keep = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> n == 0 ? 0 : n - 1 - rnd.nextInt(Math.min(n, 8));
            default -> rnd.nextInt(n + 1);
        };
        int tornBlocks = 0;
        if (keep < n && pending.get(keep) instanceof Write w && rnd.nextBoolean()) {
            long firstBoundary = (w.off() / BLOCK + 1) * BLOCK;
            long end = w.off() + w.data().length;
            if (firstBoundary < end) {
                tornBlocks = 1 + (int) rnd.nextLong((end - 1 - firstBoundary) / BLOCK + 1);
            }
        }
        return cut(keep, tornBlocks);
    }

    /**
     * The power cut, chosen: the first {@code keep} unsynced changes reach the disk, and of the next,
     * if it is a write, the bytes up to its {@code tornBlocks}-th block boundary.
     *
     * @return what was kept
     */
    String cut(int keep, int tornBlocks) {
        int n = pending.size();
        for (int i = 0; i < keep; i++) {
            pending.get(i).apply(durable);
        }
        String torn = "";
        if (tornBlocks > 0 && keep < n && pending.get(keep) instanceof Write w) {
            long at = (w.off() / BLOCK + tornBlocks) * BLOCK;
            int len = (int) Math.min(w.data().length, at - w.off());
            file(durable, w.ino()).write(w.off(), w.data(), len);
            torn = ", the next one (a " + w.data().length + "-byte write at offset " + w.off() + ") torn after "
                    + len + " bytes";
        }
        pending.clear();
        openCount.clear();
        powerOn();
        return "the first " + keep + " of " + n + " unsynced changes reached the disk" + torn;
    }

    /** Makes the view the durable state: what a remount after a power cut shows. */
    private void powerOn() {
        Map<Long, Node> fresh = new HashMap<>();
        List<Long> todo = new ArrayList<>(List.of(ROOT));
        used = 0;
        while (!todo.isEmpty()) {
            long ino = todo.remove(todo.size() - 1);
            if (fresh.containsKey(ino)) {
                continue;
            }
            Node n = durable.get(ino).copy();
            fresh.put(ino, n);
            used += n.size;
            if (n.dir) {
                todo.addAll(n.entries.values());
            }
        }
        durable.keySet().retainAll(fresh.keySet());
        view = fresh;
    }
}
