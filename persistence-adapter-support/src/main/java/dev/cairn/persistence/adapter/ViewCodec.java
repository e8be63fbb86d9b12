package dev.cairn.persistence.adapter;

import dev.cairn.persistence.Ids;
import dev.cairn.persistence.StoreCorruptedException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of the window slot: a header line, then one node id per line, in the framework's order.
 * Node ids cannot hold a newline, so no escaping is needed. The explicit form keeps the slot
 * O(window): about 25 bytes a message.
 */
final class ViewCodec {
    private static final String HEADER = "cairn.window.v1";

    private ViewCodec() {
    }

    static byte[] encode(List<String> nodeIds) {
        StringBuilder b = new StringBuilder(HEADER.length() + 24 * nodeIds.size() + 1).append(HEADER);
        for (String id : nodeIds) {
            b.append('\n').append(id);
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static List<String> decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new StoreCorruptedException("the window slot does not start with " + HEADER);
        }
        List<String> ids = new ArrayList<>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            if (!Ids.isValid(lines[i])) {
                throw new StoreCorruptedException("the window slot holds an invalid node id at line " + (i + 1));
            }
            ids.add(lines[i]);
        }
        return ids;
    }
}
