package dev.cairn.persistence.example.agent.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void theExpressionsThatBurnedMinutesOfCpuAreRefusedOrSmall() {
        // 33 bytes that once took 46 s of CPU and answered 15 MB
        ToolException e = assertThrows(ToolException.class, () -> Arithmetic.evaluate("((10^999)^999)^30"));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        assertThrows(ToolException.class, () -> Arithmetic.evaluate("((10^999)^999)^5"));
        assertThrows(ToolException.class, () -> Arithmetic.evaluate("(10^999)^999"));
        assertThrows(ToolException.class, () -> Arithmetic.evaluate("0.1^999^999"));
        assertThrows(ToolException.class, () -> Arithmetic.evaluate("10^999*10^999"));
        // large but allowed values print short
        String big = Arithmetic.format(Arithmetic.evaluate("9^999"));
        assertTrue(big.length() < 50, big);
        assertEquals("1E+999", Arithmetic.format(Arithmetic.evaluate("10^999")));
        assertEquals("1E-999", Arithmetic.format(Arithmetic.evaluate("10^-999")));
        assertEquals("1000000", Arithmetic.format(Arithmetic.evaluate("10^6")));
        // the deepest nesting the length allows
        assertEquals("1", Arithmetic.format(Arithmetic.evaluate("(".repeat(99) + "1" + ")".repeat(99))));
    }
}
