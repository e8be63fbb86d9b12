package dev.cairn.persistence.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * Values by a row key ({@code nid}, a positive rowid) without boxing: an open-addressing table of
 * {@code long} keys over the values in the order they were put. For the whole-history reads
 * ({@link NodeRows}), where a {@code HashMap<Long, ...>} boxed every key and made an entry per row.
 * Not thread-safe.
 *
 * @param <V> the values
 */
final class NidMap<V> {
    private final List<V> values;
    private long[] keys;
    private int[] slots;
    private int mask;

    /** @param expected how many keys are expected (it grows past that) */
    NidMap(int expected) {
        values = new ArrayList<>(expected);
        int capacity = Integer.highestOneBit(Math.max(8, expected * 2) - 1) << 1;
        keys = new long[capacity];
        slots = new int[capacity];
        mask = capacity - 1;
    }

    private static int hash(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32);
    }

    /**
     * @param key a row key
     * @return its value, or null (always for a key that is not positive)
     */
    V get(long key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == 0) {
                return null;
            }
            if (k == key) {
                return values.get(slots[i]);
            }
        }
    }

    /**
     * @param key a row key
     * @return whether it has a value
     */
    boolean containsKey(long key) {
        return get(key) != null;
    }

    /**
     * Adds a value; a key put twice keeps the later value in the earlier's place.
     *
     * @param key a row key, positive
     * @param value its value, not null
     */
    void put(long key, V value) {
        if (key <= 0) {
            throw new IllegalArgumentException("A row key is positive, got " + key);
        }
        if ((values.size() + 1) * 2 > keys.length) {
            grow();
        }
        int i = hash(key) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == key) {
            values.set(slots[i], value);
            return;
        }
        keys[i] = key;
        slots[i] = values.size();
        values.add(value);
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        slots = new int[keys.length];
        mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                int i = hash(oldKeys[j]) & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                slots[i] = oldSlots[j];
            }
        }
    }

    /** @return how many keys have a value */
    int size() {
        return values.size();
    }

    /** @return the values in the order their keys were first put (a view) */
    List<V> values() {
        return values;
    }
}
