package dev.cairn.persistence.example.agent.tools;

import dev.cairn.persistence.example.agent.ToolException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Evaluates arithmetic: {@code + - * / ^}, unary minus, parentheses and decimals, with exact
 * decimal arithmetic (34 significant digits). A recursive-descent parser, no scripting engine.
 */
public final class Arithmetic {
    private static final MathContext MC = MathContext.DECIMAL128;
    private static final int MAX_LENGTH = 200;
    private static final int MAX_EXPONENT = 999;
    private final String src;
    private int pos;

    private Arithmetic(String src) {
        this.src = src;
    }

    /**
     * @param expression e.g. {@code 12*(3+4)/2}
     * @return its value, without trailing zeros
     * @throws ToolException if it is not an expression or divides by zero
     */
    public static BigDecimal evaluate(String expression) {
        if (expression.length() > MAX_LENGTH) {
            throw new ToolException("Expression too long: at most " + MAX_LENGTH + " characters");
        }
        Arithmetic p = new Arithmetic(expression.replace('×', '*').replace('÷', '/'));
        BigDecimal v = p.sum();
        p.skipSpaces();
        if (p.pos != p.src.length()) {
            throw new ToolException("Unexpected '" + p.src.charAt(p.pos) + "' at position " + (p.pos + 1));
        }
        BigDecimal stripped = v.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0, RoundingMode.UNNECESSARY) : stripped;
    }

    private BigDecimal sum() {
        BigDecimal v = product();
        while (true) {
            if (eat('+')) {
                v = v.add(product(), MC);
            } else if (eat('-')) {
                v = v.subtract(product(), MC);
            } else {
                return v;
            }
        }
    }

    private BigDecimal product() {
        BigDecimal v = power();
        while (true) {
            if (eat('*')) {
                v = v.multiply(power(), MC);
            } else if (eat('/')) {
                BigDecimal d = power();
                if (d.signum() == 0) {
                    throw new ToolException("Division by zero");
                }
                v = v.divide(d, MC);
            } else {
                return v;
            }
        }
    }

    private BigDecimal power() {
        BigDecimal base = unary();
        if (eat('^')) {
            BigDecimal exp = power();
            int n;
            try {
                n = exp.intValueExact();
            } catch (ArithmeticException e) {
                throw new ToolException("Exponents must be whole numbers");
            }
            if (Math.abs(n) > MAX_EXPONENT) {
                throw new ToolException("Exponent too large: at most " + MAX_EXPONENT);
            }
            if (n < 0 && base.signum() == 0) {
                throw new ToolException("Division by zero");
            }
            return n >= 0 ? base.pow(n, MC) : BigDecimal.ONE.divide(base.pow(-n, MC), MC);
        }
        return base;
    }

    private BigDecimal unary() {
        if (eat('-')) {
            return unary().negate();
        }
        if (eat('+')) {
            return unary();
        }
        if (eat('(')) {
            BigDecimal v = sum();
            if (!eat(')')) {
                throw new ToolException("Missing ')'");
            }
            return v;
        }
        return number();
    }

    private BigDecimal number() {
        skipSpaces();
        int start = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
            pos++;
        }
        if (start == pos) {
            throw new ToolException(pos < src.length() ? "Unexpected '" + src.charAt(pos) + "' at position " + (pos + 1)
                    : "The expression ends too early");
        }
        try {
            return new BigDecimal(src.substring(start, pos));
        } catch (NumberFormatException e) {
            throw new ToolException("Not a number: " + src.substring(start, pos));
        }
    }

    private boolean eat(char c) {
        skipSpaces();
        if (pos < src.length() && src.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }
}
