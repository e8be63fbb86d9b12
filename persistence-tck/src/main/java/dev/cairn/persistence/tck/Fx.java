package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.SessionNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small fixtures the kit's tests share: payloads, nodes, id lists. */
final class Fx {
    static final NodeKind CUSTOM = NodeKind.of("tck.custom-kind_1");

    private Fx() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** @return a deterministic payload of a node id */
    static byte[] payloadOf(String nodeId) {
        return utf8("{\"node\":\"" + nodeId + "\"}");
    }

    static NewNode root(String id, BlobRef... attachments) {
        return NewNode.root(id, NodeKind.USER_INPUT, payloadOf(id), attachments);
    }

    static NewNode child(String id, String parent, BlobRef... attachments) {
        return NewNode.child(id, parent, NodeKind.ASSISTANT_RESPONSE, payloadOf(id), attachments);
    }

    /** @return {@code size} pseudo-random bytes, the same for the same seed */
    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** @return bytes 0 to 255, twice, and a few invalid UTF-8 sequences */
    static byte[] everyByte() {
        byte[] b = new byte[520];
        for (int i = 0; i < 512; i++) {
            b[i] = (byte) i;
        }
        byte[] bad = {(byte) 0xc0, (byte) 0x80, (byte) 0xed, (byte) 0xa0, (byte) 0x80, (byte) 0xff, 0, (byte) 0xfe};
        System.arraycopy(bad, 0, b, 512, bad.length);
        return b;
    }

    static List<String> ids(List<SessionNode> nodes) {
        List<String> out = new ArrayList<>(nodes.size());
        for (SessionNode n : nodes) {
            out.add(n.nodeId());
        }
        return out;
    }

    /** @return an id of {@code length} characters */
    static String idOfLength(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + i % 26));
        }
        return sb.toString();
    }

    /** The bad ids the spec names (rule 18), with a printable label each. */
    static List<String[]> badIds() {
        return List.of(new String[] {"../x", "'../x' (path traversal)"}, new String[] {"a/b", "'a/b' (slash)"},
                new String[] {"a\0b", "'a\\0b' (NUL character)"}, new String[] {idOfLength(129), "129 characters"},
                new String[] {"", "the empty string"}, new String[] {".", "'.'"}, new String[] {"..", "'..'"},
                new String[] {"a b", "'a b' (space)"});
    }
}
