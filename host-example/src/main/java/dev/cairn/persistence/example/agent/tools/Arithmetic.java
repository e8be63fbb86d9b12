package dev.cairn.persistence.example.agent.tools;

import dev.cairn.persistence.example.agent.ToolException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Evaluates arithmetic: {@code + - * / ^}, unary minus, parentheses and decimals, with exact
 * decimal arithmetic (34 significant digits). A recursive-descent parser, no scripting engine.
 *
 * <p>Bounded by construction: at most {@value #MAX_LENGTH} characters (so at most that deep), whole
 * exponents up to {@value #MAX_EXPONENT}, and every intermediate value within magnitude
 * 1E&plusmn;{@value #MAX_MAGNITUDE} (else the expression is refused). Each operation then works on
 * 34-digit numbers, so an evaluation takes microseconds, and {@link #format} prints at most about
 * 40 characters.
 */
public final class Arithmetic {
    private static final MathContext MC = MathContext.DECIMAL128;
    private static final int MAX_LENGTH = 200;
    private static final int MAX_EXPONENT = 999;
    private static final int MAX_MAGNITUDE = 1000;
    private static final int MAX_PLAIN = 40;
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
        return magnitude(stripped) <= MAX_PLAIN && stripped.scale() < 0
                ? stripped.setScale(0, RoundingMode.UNNECESSARY) : stripped;
    }

    /**
     * @param value a value {@link #evaluate} returned
     * @return it in plain digits up to {@value #MAX_PLAIN} digits before or after the point, else in
     *     scientific notation such as {@code 1E+100}
     */
    public static String format(BigDecimal value) {
        int m = magnitude(value);
        return m <= MAX_PLAIN && m >= -MAX_PLAIN ? value.toPlainString() : value.toString();
    }

    private static int magnitude(BigDecimal v) {
        return v.signum() == 0 ? 0 : v.precision() - v.scale() - 1;
    }

    private static BigDecimal bounded(BigDecimal v) {
        int m = magnitude(v);
        if (m > MAX_MAGNITUDE || m < -MAX_MAGNITUDE) {
            throw outOfRange();
        }
        return v;
    }

    private static ToolException outOfRange() {
        return new ToolException("The value is out of range: magnitudes from 1E-" + MAX_MAGNITUDE + " to 1E+"
                + MAX_MAGNITUDE + " are allowed");
    }

    private BigDecimal sum() {
        BigDecimal v = product();
        while (true) {
            if (eat('+')) {
                v = bounded(v.add(product(), MC));
            } else if (eat('-')) {
                v = bounded(v.subtract(product(), MC));
            } else {
                return v;
            }
        }
    }

    private BigDecimal product() {
        BigDecimal v = power();
        while (true) {
            if (eat('*')) {
                v = bounded(v.multiply(power(), MC));
            } else if (eat('/')) {
                BigDecimal d = power();
                if (d.signum() == 0) {
                    throw new ToolException("Division by zero");
                }
                v = bounded(v.divide(d, MC));
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
            if (Math.abs((long) (magnitude(base) + 1) * n) > 2L * MAX_MAGNITUDE) {
                throw outOfRange();
            }
            try {
                return bounded(n >= 0 ? base.pow(n, MC) : BigDecimal.ONE.divide(base.pow(-n, MC), MC));
            } catch (ArithmeticException e) {
                throw outOfRange();
            }
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
            return bounded(new BigDecimal(src.substring(start, pos)));
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
