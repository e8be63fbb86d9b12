package dev.cairn.persistence.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Fresh directories for stores, under {@code target/test-stores} so a failed run leaves them for a
 * look. The first call of a test run deletes what earlier runs left there.
 */
final class TestDirs {
    private static final Path ROOT = Path.of("target", "test-stores");
    private static boolean purged;

    private TestDirs() {
    }

    static synchronized Path fresh(String prefix) {
        try {
            if (!purged) {
                purged = true;
                delete(ROOT);
            }
            Files.createDirectories(ROOT);
            return Files.createTempDirectory(ROOT, prefix + "-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
