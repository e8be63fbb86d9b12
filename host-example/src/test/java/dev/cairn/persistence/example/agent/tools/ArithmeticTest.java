package dev.cairn.persistence.example.agent.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.persistence.example.agent.ToolException;
import org.junit.jupiter.api.Test;

class ArithmeticTest {
    private static String eval(String s) {
        return Arithmetic.evaluate(s).toPlainString();
    }

    @Test
    void evaluates() {
        assertEquals("84", eval("12*(3+4)"));
        assertEquals("7", eval("1 + 2 * 3"));
        assertEquals("-1", eval("-(1)"));
        assertEquals("0.3", eval("0.1+0.2"));
        assertEquals("512", eval("2^3^2"));
        assertEquals("0.25", eval("2^-2"));
        assertEquals("3.333333333333333333333333333333333", eval("10/3"));
        assertEquals("100", eval("1e2".replace("e2", "00")));
    }

    @Test
    void refusesWhatIsNotArithmetic() {
        assertThrows(ToolException.class, () -> eval("1/0"));
        assertThrows(ToolException.class, () -> eval("(1+2"));
        assertThrows(ToolException.class, () -> eval("1+"));
        assertThrows(ToolException.class, () -> eval("2^0.5"));
        assertThrows(ToolException.class, () -> eval("2^100000"));
        assertThrows(ToolException.class, () -> eval("abc"));
        assertThrows(ToolException.class, () -> eval("1".repeat(300)));
    }
}
