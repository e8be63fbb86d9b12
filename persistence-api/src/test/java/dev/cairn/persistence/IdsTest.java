package dev.cairn.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "chat-42", "A.b_c:d@e-f", "...", ".a", "0"})
    void acceptsValidIds(String id) {
        assertTrue(Ids.isValid(id));
        assertEquals(id, Ids.require("session id", id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "../x", "a/b", "a\\b", "a b", "a\u0000b", "é", "a\nb", "a?b", "a#b"})
    void refusesInvalidIds(String id) {
        assertFalse(Ids.isValid(id));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Ids.require("node id", id));
        assertTrue(e.getMessage().startsWith("Invalid node id"), e.getMessage());
        assertTrue(e.getMessage().contains(Ids.RULE), e.getMessage());
        assertFalse(e.getMessage().contains("\u0000"), "control characters are escaped");
    }

    @Test
    void lengthLimitIs128() {
        assertTrue(Ids.isValid("x".repeat(128)));
        assertFalse(Ids.isValid("x".repeat(129)));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> Ids.require("session id", "x".repeat(129)));
        assertTrue(e.getMessage().contains("(129 chars)"), e.getMessage());
    }

    @Test
    void nullNamesTheParameter() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Ids.require("session id", null));
        assertEquals("session id", e.getMessage());
    }
}
