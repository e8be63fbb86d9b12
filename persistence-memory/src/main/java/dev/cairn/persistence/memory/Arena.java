package dev.cairn.persistence.memory;

import dev.cairn.persistence.NewNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Append-only bytes of one session (node ids and payloads) in pages, each place named by a
 * {@code long}: the page in the high half, the offset in the low half.
 *
 * <p>Why (issue 19): a node's id and payload as arrays of their own are two objects per node that
 * every young collection copies while the session grows. A page is one array that holds no
 * references. The first page has {@value #FIRST} bytes and each next one twice as many, up to
 * {@link LargeArrays#BYTES}, which G1 allocates outside the young generation, so a collection
 * neither copies nor scans it; a session of a few nodes keeps a few KiB. Bytes longer than half the
 * largest page get a page of their own, of their exact size. Nothing is freed before the session
 * is: vacuum removes nodes from the table, not their bytes.
 */
final class Arena {
    static final int FIRST = 4096;
    /** The size of the largest pages. */
    private static final int PAGE = Math.max(FIRST, LargeArrays.BYTES);

    private byte[][] pages = new byte[4][];
    /** How many pages there are. */
    private int count;
    /** The page being filled, or -1. */
    private int current = -1;
    /** The free offset in the page being filled. */
    private int fill;

    /**
     * Copies a node's payload in, and its id right after it, one byte per character: ids are ASCII
     * ({@link dev.cairn.persistence.Ids#RULE}).
     *
     * @return where the payload starts; the id starts {@link NewNode#payloadSize()} bytes later
     */
    long put(NewNode node, String id) {
        int n = node.payloadSize();
        int idLen = id.length();
        long at = reserve(n + idLen);
        byte[] page = pages[(int) (at >>> 32)];
        node.copyPayload(page, (int) at);
        int o = (int) at + n;
        for (int i = 0; i < idLen; i++) {
            page[o + i] = (byte) id.charAt(i);
        }
        return at;
    }

    /** Copies {@code length} bytes at {@code at} of another arena in. */
    long put(Arena from, long at, int length) {
        long to = reserve(length);
        System.arraycopy(from.pages[(int) (at >>> 32)], (int) at, pages[(int) (to >>> 32)], (int) to, length);
        return to;
    }

    /** @return the length of page {@code page}, for tests */
    int pageLength(int page) {
        return pages[page].length;
    }

    /** @return a copy of {@code length} bytes at {@code at} */
    byte[] copy(long at, int length) {
        return Arrays.copyOfRange(pages[(int) (at >>> 32)], (int) at, (int) at + length);
    }

    /** @return the id of {@code length} characters at {@code at} */
    String ascii(long at, int length) {
        return new String(pages[(int) (at >>> 32)], (int) at, length, StandardCharsets.ISO_8859_1);
    }

    /** @return whether the id at {@code at} is {@code id} */
    boolean equalsAscii(long at, int length, String id) {
        if (id.length() != length) {
            return false;
        }
        byte[] page = pages[(int) (at >>> 32)];
        int o = (int) at;
        for (int i = 0; i < length; i++) {
            if (page[o + i] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private long reserve(int n) {
        if (n > PAGE / 2) {
            return (long) append(new byte[n]) << 32;
        }
        if (current < 0 || fill + n > pages[current].length) {
            int size = current < 0 ? FIRST : Math.min(PAGE, pages[current].length * 2);
            while (size < n) {
                size *= 2;
            }
            current = append(new byte[size]);
            fill = 0;
        }
        long at = ((long) current << 32) | fill;
        fill += n;
        return at;
    }

    private int append(byte[] page) {
        if (count == pages.length) {
            pages = Arrays.copyOf(pages, count * 2);
        }
        pages[count] = page;
        return count++;
    }
}
