package dev.cairn.persistence.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Values that many nodes share (kinds, model names), numbered in the order first seen, so a node
 * keeps a number instead of a reference (issue 19).
 *
 * @param <T> the value type, with value equality
 */
final class Interned<T> {
    private final List<T> values = new ArrayList<>();
    private final Map<T, Integer> numbers = new HashMap<>();
    /** The last value numbered or looked up: most commits repeat it. */
    private T last;
    private int lastNumber = -1;

    /** @return the number of {@code value}, given a new one if it has none */
    int of(T value) {
        if (value == last) {
            return lastNumber;
        }
        Integer n = numbers.get(value);
        if (n == null) {
            n = values.size();
            values.add(value);
            numbers.put(value, n);
        }
        last = value;
        lastNumber = n;
        return n;
    }

    /** @return the value of a number */
    T get(int number) {
        return values.get(number);
    }
}
