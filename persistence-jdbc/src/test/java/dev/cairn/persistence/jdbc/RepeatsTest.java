package dev.cairn.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The repeated texts of a scan decode to the strings their bytes spell, once per distinct value while kept. */
class RepeatsTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sameBytesSameStringAndEveryValueRight() {
        NodeRows.Repeats r = new NodeRows.Repeats();
        String a = r.text(utf8("user_input"));
        assertSame(a, r.text(utf8("user_input")));
        assertEquals("assistant_response", r.text(utf8("assistant_response")));
        assertSame(a, r.text(utf8("user_input")));
        assertEquals("modèle-ü", r.text(utf8("modèle-ü")));
        assertNull(r.text(null));
        assertEquals("", r.text(new byte[0]));
    }

    @Test
    void moreDistinctValuesThanItKeepsAreStillRight() {
        NodeRows.Repeats r = new NodeRows.Repeats();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < NodeRows.Repeats.KEPT * 3; i++) {
                assertEquals("kind_" + i, r.text(utf8("kind_" + i)));
            }
        }
    }
}
