package dev.cairn.persistence.tck;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import jnr.ffi.Pointer;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The FUSE side of the power-cut file system: every operation of the kernel on one
 * {@link PowerCutDisk}, under one lock. While the power is off ({@link #powerOff()}) every
 * operation fails with EIO, so that nothing a store does after the cut reaches the disk. Open files
 * are found by handle, not path, so that unlinked and renamed open files keep working. Links,
 * symlinks, special files and extended attributes are not supported (ENOSYS); locks are the
 * kernel's.
 */
final class PowerCutFs extends FuseStubFS {
    private final PowerCutDisk disk;
    private final Map<Long, Long> handles = new HashMap<>();
    private long nextHandle = 1;
    private boolean off;

    PowerCutFs(PowerCutDisk disk) {
        this.disk = disk;
    }

    synchronized int powerOff() {
        off = true;
        return disk.pendingCount();
    }

    synchronized String cut(SplittableRandom rnd) {
        handles.clear();
        String what = disk.cut(rnd);
        off = false;
        return what;
    }

    synchronized void syncAll() {
        disk.syncAll();
    }

    private static String parentOf(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    private static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private Optional<PowerCutDisk.Node> byHandle(FuseFileInfo fi) {
        Long ino = handles.get(fi.fh.get());
        return ino == null ? Optional.empty() : disk.node(ino);
    }

    private int handle(PowerCutDisk.Node n, FuseFileInfo fi) {
        long h = nextHandle++;
        handles.put(h, n.ino);
        disk.opened(n);
        fi.fh.set(h);
        return 0;
    }

    private void fill(PowerCutDisk.Node n, FileStat st) {
        st.st_mode.set(n.dir ? FileStat.S_IFDIR | 0755 : FileStat.S_IFREG | 0644);
        st.st_nlink.set(n.dir ? 2 : 1);
        st.st_size.set(n.dir ? 4096 : n.size);
        st.st_blksize.set(PowerCutDisk.BLOCK);
        st.st_blocks.set((n.size + 511) / 512);
        st.st_uid.set(getContext().uid.get());
        st.st_gid.set(getContext().gid.get());
        st.st_mtim.tv_sec.set(n.mtimeMillis / 1000);
        st.st_mtim.tv_nsec.set((n.mtimeMillis % 1000) * 1_000_000);
        st.st_ctim.tv_sec.set(n.mtimeMillis / 1000);
        st.st_atim.tv_sec.set(n.mtimeMillis / 1000);
    }

    @Override
    public synchronized int getattr(String path, FileStat stat) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = disk.lookup(path);
        if (n.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        fill(n.get(), stat);
        return 0;
    }

    @Override
    public synchronized int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = byHandle(fi).or(() -> disk.lookup(path));
        if (n.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        fill(n.get(), stat);
        return 0;
    }

    @Override
    public synchronized int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = disk.lookup(path);
        if (n.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        if (!n.get().dir) {
            return -ErrorCodes.ENOTDIR();
        }
        filter.apply(buf, ".", null, 0);
        filter.apply(buf, "..", null, 0);
        for (String name : n.get().entries.keySet()) {
            filter.apply(buf, name, null, 0);
        }
        return 0;
    }

    @Override
    public synchronized int opendir(String path, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        return disk.lookup(path).map(n -> n.dir ? 0 : -ErrorCodes.ENOTDIR()).orElse(-ErrorCodes.ENOENT());
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public synchronized int fsyncdir(String path, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = disk.lookup(path);
        if (n.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        disk.sync(n.get().ino);
        return 0;
    }

    private int make(String path, boolean dir, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> parent = disk.lookup(parentOf(path));
        if (parent.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        if (!parent.get().dir) {
            return -ErrorCodes.ENOTDIR();
        }
        String name = nameOf(path);
        if (name.length() > 255) {
            return -ErrorCodes.ENAMETOOLONG();
        }
        if (parent.get().entries.containsKey(name)) {
            return -ErrorCodes.EEXIST();
        }
        Optional<PowerCutDisk.Node> made = disk.create(parent.get(), name, dir);
        if (made.isEmpty()) {
            return -ErrorCodes.ENOSPC();
        }
        return fi == null ? 0 : handle(made.get(), fi);
    }

    @Override
    public synchronized int mkdir(String path, @mode_t long mode) {
        return make(path, true, null);
    }

    @Override
    public synchronized int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return make(path, false, fi);
    }

    @Override
    public synchronized int open(String path, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = disk.lookup(path);
        if (n.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        if (n.get().dir) {
            return -ErrorCodes.EISDIR();
        }
        return handle(n.get(), fi);
    }

    @Override
    public synchronized int release(String path, FuseFileInfo fi) {
        Long ino = handles.remove(fi.fh.get());
        if (ino != null) {
            disk.released(ino);
        }
        return 0;
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    private int unlink(String path, boolean dir) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = disk.lookup(path);
        if (n.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        if (n.get().dir != dir) {
            return dir ? -ErrorCodes.ENOTDIR() : -ErrorCodes.EISDIR();
        }
        if (dir && !n.get().entries.isEmpty()) {
            return -ErrorCodes.ENOTEMPTY();
        }
        disk.remove(disk.lookup(parentOf(path)).orElseThrow(), nameOf(path));
        return 0;
    }

    @Override
    public synchronized int unlink(String path) {
        return unlink(path, false);
    }

    @Override
    public synchronized int rmdir(String path) {
        return unlink(path, true);
    }

    @Override
    public synchronized int rename(String oldpath, String newpath) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> from = disk.lookup(oldpath);
        Optional<PowerCutDisk.Node> toDir = disk.lookup(parentOf(newpath));
        if (from.isEmpty() || toDir.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        if (!toDir.get().dir) {
            return -ErrorCodes.ENOTDIR();
        }
        if (newpath.startsWith(oldpath + "/")) {
            return -ErrorCodes.EINVAL();
        }
        Optional<PowerCutDisk.Node> replaced = disk.lookup(newpath);
        if (replaced.isPresent()) {
            if (replaced.get().ino == from.get().ino) {
                return 0;
            }
            if (replaced.get().dir != from.get().dir) {
                return replaced.get().dir ? -ErrorCodes.EISDIR() : -ErrorCodes.ENOTDIR();
            }
            if (replaced.get().dir && !replaced.get().entries.isEmpty()) {
                return -ErrorCodes.ENOTEMPTY();
            }
        }
        disk.rename(disk.lookup(parentOf(oldpath)).orElseThrow(), nameOf(oldpath), toDir.get(), nameOf(newpath));
        return 0;
    }

    @Override
    public synchronized int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = byHandle(fi);
        if (n.isEmpty()) {
            return -ErrorCodes.EBADF();
        }
        long available = n.get().size - offset;
        if (available <= 0) {
            return 0;
        }
        int len = (int) Math.min(size, available);
        buf.put(0, n.get().data, (int) offset, len);
        return len;
    }

    @Override
    public synchronized int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = byHandle(fi);
        if (n.isEmpty()) {
            return -ErrorCodes.EBADF();
        }
        if (offset + size > Integer.MAX_VALUE - 16) {
            return -ErrorCodes.EFBIG();
        }
        byte[] bytes = new byte[(int) size];
        buf.get(0, bytes, 0, bytes.length);
        return disk.write(n.get(), offset, bytes) ? (int) size : -ErrorCodes.ENOSPC();
    }

    private int resize(Optional<PowerCutDisk.Node> n, long size) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        if (n.isEmpty()) {
            return -ErrorCodes.ENOENT();
        }
        if (n.get().dir) {
            return -ErrorCodes.EISDIR();
        }
        if (size < 0 || size > Integer.MAX_VALUE - 16) {
            return -ErrorCodes.EFBIG();
        }
        return disk.truncate(n.get(), size) ? 0 : -ErrorCodes.ENOSPC();
    }

    @Override
    public synchronized int truncate(String path, @off_t long size) {
        return resize(off ? Optional.empty() : disk.lookup(path), size);
    }

    @Override
    public synchronized int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return resize(off ? Optional.empty() : byHandle(fi).or(() -> disk.lookup(path)), size);
    }

    @Override
    public synchronized int fsync(String path, int isdatasync, FuseFileInfo fi) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = byHandle(fi).or(() -> disk.lookup(path));
        if (n.isEmpty()) {
            return -ErrorCodes.EBADF();
        }
        disk.sync(n.get().ino);
        return 0;
    }

    @Override
    public synchronized int utimens(String path, Timespec[] timespec) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        Optional<PowerCutDisk.Node> n = disk.lookup(path);
        n.ifPresent(x -> x.mtimeMillis = System.currentTimeMillis());
        return n.isPresent() ? 0 : -ErrorCodes.ENOENT();
    }

    @Override
    public synchronized int chmod(String path, @mode_t long mode) {
        return off ? -ErrorCodes.EIO() : disk.lookup(path).map(n -> 0).orElse(-ErrorCodes.ENOENT());
    }

    @Override
    public synchronized int chown(String path, long uid, long gid) {
        return chmod(path, 0);
    }

    @Override
    public synchronized int access(String path, int mask) {
        return chmod(path, 0);
    }

    @Override
    public synchronized int statfs(String path, Statvfs st) {
        if (off) {
            return -ErrorCodes.EIO();
        }
        long blocks = disk.capacity() / PowerCutDisk.BLOCK;
        long free = Math.max(0, (disk.capacity() - disk.used()) / PowerCutDisk.BLOCK);
        st.f_bsize.set(PowerCutDisk.BLOCK);
        st.f_frsize.set(PowerCutDisk.BLOCK);
        st.f_blocks.set(blocks);
        st.f_bfree.set(free);
        st.f_bavail.set(free);
        st.f_files.set(1_000_000);
        st.f_ffree.set(1_000_000);
        st.f_favail.set(1_000_000);
        st.f_namemax.set(255);
        return 0;
    }
}
