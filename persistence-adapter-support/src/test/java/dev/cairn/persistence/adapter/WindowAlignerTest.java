package dev.cairn.persistence.adapter;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The alignment cases of a replace-all update, on keys: letters are messages, upper case system ones. */
class WindowAlignerTest {
    private static WindowPlan plan(String stored, String incoming) {
        return WindowAligner.align(keys(stored), system(stored), keys(incoming), system(incoming));
    }

    private static long[] keys(String s) {
        long[] k = new long[s.length()];
        for (int i = 0; i < s.length(); i++) {
            k[i] = s.charAt(i);
        }
        return k;
    }

    private static boolean[] system(String s) {
        boolean[] b = new boolean[s.length()];
        for (int i = 0; i < s.length(); i++) {
            b[i] = Character.isUpperCase(s.charAt(i));
        }
        return b;
    }

    private static List<Integer> sources(Integer... s) {
        return List.of(s);
    }

    private static final int N = WindowPlan.NEW;

    @Test
    void oneNewMessageIsAppended() {
        WindowPlan p = plan("abc", "abcd");
        assertEquals(WindowPlan.Mode.APPEND, p.mode());
        assertEquals(sources(0, 1, 2, N), p.sources());
    }

    @Test
    void frontEvictionKeepsTheRestAndAppends() {
        WindowPlan p = plan("abcd", "cde");
        assertEquals(WindowPlan.Mode.APPEND, p.mode());
        assertEquals(sources(2, 3, N), p.sources());
    }

    @Test
    void evictionPastAPinnedSystemMessageReusesIt() {
        WindowPlan p = plan("Sabc", "Sbcd");
        assertEquals(WindowPlan.Mode.APPEND, p.mode());
        assertEquals(sources(0, 2, 3, N), p.sources());
    }

    @Test
    void aChangedSystemMessageAtTheFrontIsNewButTheConversationIsNotCopied() {
        WindowPlan p = plan("Sabc", "Tabcd");
        assertEquals(WindowPlan.Mode.APPEND, p.mode());
        assertEquals(sources(N, 1, 2, 3, N), p.sources());
        assertEquals(2, p.newCount());
    }

    @Test
    void aSystemMessageReplacedAtTheEndIsAppended() {
        WindowPlan p = plan("abS", "abT");
        assertEquals(WindowPlan.Mode.APPEND, p.mode());
        assertEquals(sources(0, 1, N), p.sources());
    }

    @Test
    void theSameMessageTwiceInARowIsTwoMessages() {
        assertEquals(sources(0, 1, N), plan("ak", "akk").sources());
        assertEquals(sources(1, N), plan("ak", "kk").sources());
        assertEquals(sources(0, 1, 2), plan("kkk", "kkk").sources(), "an unchanged window changes nothing");
    }

    @Test
    void aRewriteInTheMiddleBranchesFromTheLastCommonMessage() {
        WindowPlan p = plan("abcd", "abxd");
        assertEquals(WindowPlan.Mode.BRANCH, p.mode());
        assertEquals(1, p.branchAfter());
        assertEquals(sources(0, 1, N, N), p.sources());
    }

    @Test
    void aTruncationIsABranchWithNothingNew() {
        WindowPlan p = plan("abcd", "ab");
        assertEquals(WindowPlan.Mode.BRANCH, p.mode());
        assertEquals(1, p.branchAfter());
        assertEquals(0, p.newCount());
    }

    @Test
    void aRewriteBranchCopiesSystemMessagesIntoTheBranch() {
        WindowPlan p = plan("Sabc", "Sabx");
        assertEquals(WindowPlan.Mode.BRANCH, p.mode());
        assertEquals(sources(N, 1, 2, N), p.sources());
    }

    @Test
    void aCompleteReplacementIsAReset() {
        WindowPlan p = plan("abc", "x");
        assertEquals(WindowPlan.Mode.RESET, p.mode());
        assertEquals(sources(N), p.sources());
    }

    @Test
    void anEmptyListEmptiesTheWindowAndAnEmptyWindowTakesEverything() {
        assertEquals(List.of(), plan("abc", "").sources());
        assertEquals(WindowPlan.Mode.APPEND, plan("abc", "").mode());
        assertEquals(sources(N, N), plan("", "ab").sources());
    }

    @Test
    void turnSnappedEvictionDropsAWholeTurn() {
        // user u, assistant a, tool call t, result r: Spring AI 2 evicts up to the next user message
        WindowPlan p = plan("uatrub", "ubuc");
        assertEquals(WindowPlan.Mode.APPEND, p.mode());
        assertEquals(sources(4, 5, N, N), p.sources());
    }

    /** Every plan keeps the incoming order and reuses each stored message at most once in order. */
    @Test
    void randomWindowsProducePlansThatRebuildTheIncomingWindow() {
        Random r = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            String stored = random(r, r.nextInt(12));
            String incoming = r.nextBoolean() ? mutate(r, stored) : random(r, r.nextInt(12));
            WindowPlan p = plan(stored, incoming);
            assertEquals(incoming.length(), p.sources().size());
            List<Integer> reused = new ArrayList<>();
            for (int i = 0; i < incoming.length(); i++) {
                int s = p.sources().get(i);
                if (s != N) {
                    assertEquals(stored.charAt(s), incoming.charAt(i), stored + " -> " + incoming + ": " + p);
                    if (!Character.isUpperCase(incoming.charAt(i))) {
                        reused.add(s);
                    }
                }
            }
            for (int i = 1; i < reused.size(); i++) {
                assertTrue(reused.get(i) == reused.get(i - 1) + 1 || p.mode() != WindowPlan.Mode.APPEND
                        || stored.substring(reused.get(i - 1) + 1, reused.get(i)).chars().allMatch(Character::isUpperCase),
                        "reused messages form one run: " + stored + " -> " + incoming + ": " + p);
            }
        }
    }

    private static String random(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(r.nextInt(8) == 0 ? (char) ('S' + r.nextInt(2)) : (char) ('a' + r.nextInt(4)));
        }
        return b.toString();
    }

    private static String mutate(Random r, String s) {
        String t = s.substring(Math.min(s.length(), r.nextInt(3)));
        return t + random(r, r.nextInt(3));
    }
}
