package dev.cairn.persistence.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each adapter of {@link EventAdapterBench} runs a few operations on a short history. */
class EventAdapterBenchSmokeTest {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void useTempDir() {
        System.setProperty(Dirs.PROPERTY, tmp.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bare", "bare-slot", "bare-uuid", "adk", "adk-no-delta", "langgraph4j", "langgraph4j-same-state"})
    void eachAdapterAppends(String adapter) {
        for (String target : new String[] {"memory", "sqlite-process-crash"}) {
            EventAdapterBench b = new EventAdapterBench();
            b.target = target;
            b.adapter = adapter;
            b.history = 10;
            b.open();
            try {
                for (int i = 0; i < 5; i++) {
                    assertNotNull(b.append());
                }
            } finally {
                b.close();
            }
        }
    }
}
