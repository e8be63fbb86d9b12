package dev.cairn.persistence.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh directories for stores, under {@code target/} so a failed run leaves them for a look. */
final class TestDirs {
    private static final Path ROOT = Path.of("target", "test-stores");

    private TestDirs() {
    }

    static Path fresh(String prefix) {
        try {
            Files.createDirectories(ROOT);
            return Files.createTempDirectory(ROOT, prefix + "-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
