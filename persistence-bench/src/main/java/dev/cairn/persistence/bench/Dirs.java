package dev.cairn.persistence.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary database directories. They live under the system property {@code cairn.bench.dir}
 * when it is set, else under {@code java.io.tmpdir}; point it at a disk, not a tmpfs, or the
 * {@code power-loss} figures measure nothing (fsync on tmpfs is free).
 */
public final class Dirs {
    /** The system property that names the parent of every database directory. */
    public static final String PROPERTY = "cairn.bench.dir";

    private Dirs() {
    }

    /** @return the parent of every database directory, created if absent */
    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        Path root = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            return Files.createDirectories(root.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param prefix a name prefix
     * @return a new empty directory
     */
    public static Path fresh(String prefix) {
        try {
            return Files.createTempDirectory(root(), "cairn-bench-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the files of a closed database directory into a new one.
     *
     * @param template the directory to copy
     * @param prefix a name prefix for the copy
     * @return the copy
     */
    public static Path copy(Path template, String prefix) {
        Path to = fresh(prefix);
        try (Stream<Path> files = Files.list(template)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path copy = to.resolve(f.getFileName());
                Files.copy(f, copy, StandardCopyOption.COPY_ATTRIBUTES);
                // Written back now, so the first fsync of the benchmark does not pay for the copy.
                try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    /**
     * Deletes a directory and everything in it; null is ignored.
     *
     * @param dir the directory
     */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
