package dev.cairn.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The whole-history reads' row-key map agrees with a {@link HashMap} and keeps the order keys came in. */
class NidMapTest {
    @Test
    void agreesWithAHashMapThroughGrowthAndCollisions() {
        SplittableRandom random = new SplittableRandom(19);
        NidMap<String> map = new NidMap<>(4);
        Map<Long, String> expected = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // dense rowids, far ones and ones that differ only in high bits
            long key = switch (i % 3) {
                case 0 -> 1 + i;
                case 1 -> 1 + random.nextLong(Long.MAX_VALUE - 1);
                default -> ((long) i << 32) | 7;
            };
            String value = "v" + i;
            String old = expected.put(key, value);
            if (old == null) {
                order.add(value);
            } else {
                order.set(order.indexOf(old), value);
            }
            map.put(key, value);
        }
        assertEquals(expected.size(), map.size());
        for (Map.Entry<Long, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()));
            assertTrue(map.containsKey(e.getKey()));
        }
        assertEquals(order, map.values());
        assertNull(map.get(2_000_000_000_000L + 3));
    }

    @Test
    void aKeyPutTwiceKeepsItsPlaceAndTheLaterValue() {
        NidMap<String> map = new NidMap<>(2);
        map.put(5, "a");
        map.put(9, "b");
        map.put(5, "c");
        assertEquals(List.of("c", "b"), map.values());
        assertEquals("c", map.get(5));
    }

    @Test
    void noKeyBelowOne() {
        NidMap<String> map = new NidMap<>(0);
        map.put(1, "a");
        assertNull(map.get(0), "0 is a root's parent, never a row");
        assertFalse(map.containsKey(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map.put(0, "x"));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
    }
}
