package dev.cairn.persistence.adapter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Aligns an incoming window with the stored one, in time linear in their lengths (a Z-function over
 * the non-system messages), never in the length of the history.
 *
 * <p>Messages are compared by content key (equal keys = equal canonical encodings) and by position:
 * two equal consecutive messages are two messages. System messages are aligned apart from the
 * conversation, so a changed system prompt does not look like a rewrite of the whole window:
 * <ol>
 *   <li>If the stored non-system messages, minus some at the front (evicted), are a prefix of the
 *       incoming ones, the rest is appended under the head ({@link WindowPlan.Mode#APPEND}).</li>
 *   <li>Else, if a prefix of the incoming messages is a run of the stored ones, the rest branches
 *       from the last message of that run, and the head moves there
 *       ({@link WindowPlan.Mode#BRANCH}); a pure truncation is a branch with nothing new.</li>
 *   <li>Else nothing matches: every incoming message is new, after a reset marker
 *       ({@link WindowPlan.Mode#RESET}).</li>
 * </ol>
 * A system message reuses a stored system message with the same content, except in a branch, where
 * the stored one may be off the new path and is appended again.
 */
public final class WindowAligner {
    private WindowAligner() {
    }

    /**
     * Plans an update.
     *
     * @param storedKeys content keys of the stored view, in order
     * @param storedSystem whether each stored entry is a system message
     * @param incomingKeys content keys of the incoming window, in order
     * @param incomingSystem whether each incoming message is a system message
     * @return the plan
     */
    public static WindowPlan align(long[] storedKeys, boolean[] storedSystem, long[] incomingKeys, boolean[] incomingSystem) {
        int[] v = nonSystem(storedSystem);
        int[] l = nonSystem(incomingSystem);
        int[] z = matchLengths(incomingKeys, l, storedKeys, v);

        WindowPlan.Mode mode;
        int start = -1; // index in v of the first reused stored message
        int matched = 0; // how many leading incoming non-system messages reuse v[start..]
        if (l.length == 0 || v.length == 0) {
            mode = WindowPlan.Mode.APPEND;
        } else {
            for (int j = 0; j < v.length && start < 0; j++) {
                if (j + z[j] == v.length) {
                    start = j;
                    matched = z[j];
                }
            }
            if (start >= 0) {
                mode = WindowPlan.Mode.APPEND;
            } else {
                int best = 0;
                for (int j = 0; j < v.length; j++) {
                    if (z[j] > best) {
                        best = z[j];
                        start = j;
                    }
                }
                matched = best;
                mode = best > 0 ? WindowPlan.Mode.BRANCH : WindowPlan.Mode.RESET;
            }
        }

        Map<Long, Integer> storedSystemByKey = new HashMap<>();
        if (mode != WindowPlan.Mode.BRANCH) {
            for (int i = storedKeys.length - 1; i >= 0; i--) {
                if (storedSystem[i]) {
                    storedSystemByKey.put(storedKeys[i], i);
                }
            }
        }
        List<Integer> sources = new ArrayList<>(incomingKeys.length);
        int nonSystemSeen = 0;
        for (int i = 0; i < incomingKeys.length; i++) {
            if (incomingSystem[i]) {
                sources.add(storedSystemByKey.getOrDefault(incomingKeys[i], WindowPlan.NEW));
            } else {
                sources.add(nonSystemSeen < matched ? v[start + nonSystemSeen] : WindowPlan.NEW);
                nonSystemSeen++;
            }
        }
        int branchAfter = mode == WindowPlan.Mode.BRANCH ? v[start + matched - 1] : -1;
        return new WindowPlan(mode, branchAfter, sources);
    }

    private static int[] nonSystem(boolean[] system) {
        int n = 0;
        for (boolean s : system) {
            if (!s) {
                n++;
            }
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < system.length; i++) {
            if (!system[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    /**
     * For each position j of the stored non-system messages, the length of the longest prefix of the
     * incoming non-system messages that starts there (a Z-function over incoming + separator + stored).
     */
    private static int[] matchLengths(long[] inKeys, int[] l, long[] stKeys, int[] v) {
        int n = l.length + 1 + v.length;
        long[] s = new long[n];
        boolean[] sep = new boolean[n];
        for (int i = 0; i < l.length; i++) {
            s[i] = inKeys[l[i]];
        }
        sep[l.length] = true;
        for (int j = 0; j < v.length; j++) {
            s[l.length + 1 + j] = stKeys[v[j]];
        }
        int[] z = new int[n];
        int left = 0;
        int right = 0;
        for (int i = 1; i < n; i++) {
            if (i < right) {
                z[i] = Math.min(right - i, z[i - left]);
            }
            while (i + z[i] < n && same(s, sep, z[i], i + z[i])) {
                z[i]++;
            }
            if (i + z[i] > right) {
                left = i;
                right = i + z[i];
            }
        }
        int[] out = new int[v.length];
        System.arraycopy(z, l.length + 1, out, 0, v.length);
        return out;
    }

    private static boolean same(long[] s, boolean[] sep, int a, int b) {
        return !sep[a] && !sep[b] && s[a] == s[b];
    }
}
