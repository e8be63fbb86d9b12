package dev.cairn.persistence.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PayloadsAndTimesTest {
    private static Payloads.Type type(String s) {
        return Payloads.classify(s.getBytes(UTF_8)).type();
    }

    @Test
    void classifiesPayloads() {
        assertEquals(Payloads.Type.EMPTY, Payloads.classify(new byte[0]).type());
        assertEquals(Payloads.Type.JSON, type("{\"a\": [1, 2.50, null]}"));
        assertEquals(Payloads.Type.JSON, type("  42 "));
        assertEquals(Payloads.Type.JSON, type("\"just a string\""));
        assertEquals(Payloads.Type.TEXT, type("{not json"));
        assertEquals(Payloads.Type.TEXT, type("{\"a\":1} trailing"));
        assertEquals(Payloads.Type.TEXT, type("héllo\n\twörld"));
        assertEquals(Payloads.Type.BINARY, type("nul\u0000inside"));
        assertEquals(Payloads.Type.BINARY, Payloads.classify(new byte[] {(byte) 0xc3, (byte) 0x28}).type());
        assertEquals("{\n  \"a\": [\n    1,\n    2.50,\n    null\n  ],\n  \"b\": {}\n}",
                Json.pretty(Payloads.classify("{\"a\":[1,2.50,null],\"b\":{}}".getBytes(UTF_8)).json().orElseThrow()));
    }

    @Test
    void parsesTimes() {
        Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertEquals(Instant.parse("2029-12-31T22:00:00Z"), Times.parse("--since", "2h", clock));
        assertEquals(Instant.parse("2029-12-31T23:59:30Z"), Times.parse("--since", "30s", clock));
        assertEquals(Instant.parse("2029-12-31T23:45:00Z"), Times.parse("--since", "15m", clock));
        assertEquals(Instant.parse("2029-12-25T00:00:00Z"), Times.parse("--since", "7d", clock));
        assertEquals(Instant.parse("2025-03-01T10:15:30Z"), Times.parse("--since", "2025-03-01T10:15:30Z", clock));
        assertEquals(Instant.parse("2025-03-01T10:15:00Z"), Times.parse("--since", "2025-03-01T11:15+01:00", clock));
        assertEquals(Instant.parse("2025-03-01T10:15:00Z"), Times.parse("--since", "2025-03-01T10:15", clock));
        assertEquals(Instant.parse("2025-03-01T00:00:00Z"), Times.parse("--since", "2025-03-01", clock));
        CliException e = assertThrows(CliException.class, () -> Times.parse("--until", "soon", clock));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("2025-03-01T10:15:30.000Z", Times.text(Instant.parse("2025-03-01T10:15:30Z")));
        assertEquals("2025-03-01T10:15:30.120Z", Times.text(Instant.parse("2025-03-01T10:15:30.120999Z")));
    }
}
