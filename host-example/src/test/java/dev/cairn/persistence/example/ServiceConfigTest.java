package dev.cairn.persistence.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {
    @Test
    void defaultsAreLocalSqliteAndTheBuiltinModel() {
        ServiceConfig c = ServiceConfig.parse();
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals("sqlite:./.cairn-data", c.store());
        assertEquals("builtin", c.model());
        assertEquals(32 * 1024, c.maxMessageBytes());
    }

    @Test
    void parsesBothOptionForms() {
        ServiceConfig c = ServiceConfig.parse("--port", "0", "--store=memory:", "--data-dir", "/tmp/x",
                "--model", "openai", "--openai-model=gpt-x", "--max-message-bytes", "100");
        assertEquals(0, c.port());
        assertEquals("memory:", c.store());
        assertEquals(Optional.of(Path.of("/tmp/x")), c.dataDir());
        assertEquals("openai", c.model());
        assertEquals("gpt-x", c.openAiModel());
        assertEquals(100, c.maxMessageBytes());
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("--prot", "1"));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("--port"));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("--port", "x"));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("--port", "70000"));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("--model", "gpt"));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("stray"));
    }

    @Test
    void parsesTheLimitsAndTheAllowLists() {
        ServiceConfig c = ServiceConfig.parse("--allowed-hosts", "agents.example, localhost", "--allowed-origins",
                "https://app.example", "--idle-timeout", "5", "--header-timeout", "2", "--body-timeout", "3",
                "--max-connections", "10", "--max-requests", "2", "--chats-schema", "app", "--exit-with-parent");
        assertEquals(java.util.List.of("agents.example", "localhost"), c.allowedHosts());
        assertEquals(java.util.List.of("https://app.example"), c.allowedOrigins());
        assertEquals(java.time.Duration.ofSeconds(5), c.limits().idleTimeout());
        assertEquals(java.time.Duration.ofSeconds(2), c.limits().headerTimeout());
        assertEquals(java.time.Duration.ofSeconds(3), c.limits().bodyTimeout());
        assertEquals(10, c.limits().maxConnections());
        assertEquals(2, c.limits().maxConcurrentRequests());
        assertEquals(Optional.of("app"), c.chatsSchema());
        assertEquals(true, c.exitWithParent());
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("--idle-timeout", "0"));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("--max-requests", "0"));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.parse("--max-message-bytes", "2000000"));
    }
}
