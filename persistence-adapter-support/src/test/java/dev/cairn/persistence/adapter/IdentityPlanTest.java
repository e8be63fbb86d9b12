package dev.cairn.persistence.adapter;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The identity fast path finds exactly the plans the content aligner would, or none. */
class IdentityPlanTest {
    private final TextCodec codec = new TextCodec();

    private List<WindowEntry<String>> stored(String... texts) {
        List<WindowEntry<String>> out = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            String m = new String(texts[i]);
            out.add(new WindowEntry<>("n" + i, m, codec.encode(m)));
        }
        return out;
    }

    private WindowPlan identity(List<WindowEntry<String>> stored, List<String> incoming) {
        int[] sources = new int[incoming.size()];
        List<EncodedMessage> enc = new ArrayList<>();
        for (int j = 0; j < incoming.size(); j++) {
            int s = WindowPlan.NEW;
            for (int i = 0; i < stored.size(); i++) {
                if (stored.get(i).message() == incoming.get(j)) {
                    s = i;
                    break;
                }
            }
            sources[j] = s;
            enc.add(s == WindowPlan.NEW ? codec.encode(incoming.get(j)) : stored.get(s).encoded());
        }
        return IdentityPlan.of(stored, sources, enc);
    }

    private static WindowPlan content(List<WindowEntry<String>> stored, List<String> incoming) {
        long[] sk = new long[stored.size()];
        boolean[] ss = new boolean[stored.size()];
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            sk[i] = key(keys, stored.get(i).message());
            ss[i] = stored.get(i).encoded().system();
        }
        long[] ik = new long[incoming.size()];
        boolean[] is = new boolean[incoming.size()];
        for (int j = 0; j < incoming.size(); j++) {
            ik[j] = key(keys, incoming.get(j));
            is[j] = incoming.get(j).startsWith("S:");
        }
        return WindowAligner.align(sk, ss, ik, is);
    }

    private static List<String> texts(List<WindowEntry<String>> stored, WindowPlan p) {
        List<String> out = new ArrayList<>();
        for (int src : p.sources()) {
            out.add(src == WindowPlan.NEW ? "NEW" : stored.get(src).message());
        }
        return out;
    }

    private static long key(List<String> keys, String s) {
        int i = keys.indexOf(s);
        if (i < 0) {
            keys.add(s);
            return keys.size() - 1;
        }
        return i;
    }

    @Test
    void theSteadyStateOfAWindowMemoryIsFoundByIdentity() {
        List<WindowEntry<String>> s = stored("S:sys", "a", "b", "c");
        List<String> in = new ArrayList<>(List.of(s.get(0).message(), s.get(2).message(), s.get(3).message(), "d"));
        WindowPlan p = identity(s, in);
        assertNotNull(p);
        assertEquals(List.of(0, 2, 3, WindowPlan.NEW), p.sources());
    }

    @Test
    void rewritesNewSystemMessagesAndResetsGoToTheAligner() {
        List<WindowEntry<String>> s = stored("a", "b", "c");
        assertNull(identity(s, List.of(s.get(0).message(), "x", s.get(2).message())), "a kept message after a new one");
        assertNull(identity(s, List.of(s.get(0).message(), s.get(1).message())), "a truncation");
        assertNull(identity(s, List.of("S:new", s.get(0).message(), s.get(1).message(), s.get(2).message())), "a new system message");
        assertNull(identity(s, List.of("x", "y")), "nothing kept");
    }

    @Test
    void wheneverIdentityFindsAPlanTheAlignerFindsTheSame() {
        Random r = new Random(11);
        int found = 0;
        for (int round = 0; round < 5_000; round++) {
            int n = r.nextInt(8);
            String[] texts = new String[n];
            for (int i = 0; i < n; i++) {
                texts[i] = r.nextInt(6) == 0 ? "S:s" + r.nextInt(2) : "m" + r.nextInt(3);
            }
            List<WindowEntry<String>> s = stored(texts);
            List<String> in = new ArrayList<>();
            int from = n == 0 ? 0 : r.nextInt(n + 1);
            for (int i = 0; i < n; i++) {
                if (s.get(i).encoded().system() ? r.nextBoolean() : i >= from && r.nextInt(10) > 0) {
                    in.add(s.get(i).message());
                }
            }
            for (int k = r.nextInt(3); k > 0; k--) {
                in.add("new" + round + "." + k);
            }
            WindowPlan p = identity(s, in);
            if (p != null) {
                found++;
                WindowPlan c = content(s, in);
                assertEquals(c.mode(), p.mode());
                assertEquals(texts(s, c), texts(s, p), List.of(texts) + " -> " + in); // equal system messages may swap
            }
        }
        assertEquals(true, found > 1_000, "the fast path is taken in the common case: " + found);
    }
}
