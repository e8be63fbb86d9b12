package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The root README's kit example is {@link SqliteKitTest} word for word (from its imports on), so
 * what a backend author copies is a kit test that this build runs and that reaches FULL.
 */
class ReadmeKitExampleTest {

    @Test
    void theReadmeKitExampleIsSqliteKitTest() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Writing a provider");
        assertTrue(section >= 0, "README.md has no section 'Writing a provider'");
        int open = readme.indexOf("```java\n", section);
        int close = readme.indexOf("```", open + 8);
        assertTrue(open > 0 && close > open, "the section 'Writing a provider' has no java block");
        String example = readme.substring(open + 8, close);
        String source = Files.readString(Path.of("src", "test", "java", "dev", "cairn", "persistence", "sqlite",
                "SqliteKitTest.java"), StandardCharsets.UTF_8);
        assertEquals(source.substring(source.indexOf("import ")), example,
                "the README's kit example and SqliteKitTest.java (from the imports on) must be the same text");
    }
}
