package dev.cairn.persistence.adapter;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NodeKind;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A codec of plain strings for the engine's tests: "S:..." is a system message, "A:..." a model
 * response, "IMG:..." carries its text as media; anything else a user message.
 */
final class TextCodec implements MessageCodec<String> {
    static final NodeKind SYSTEM = NodeKind.of("system_message");

    @Override
    public EncodedMessage encode(String m) {
        if (m.startsWith("IMG:")) {
            EncodedMessage.Media media = EncodedMessage.Media.of(m.substring(4).getBytes(StandardCharsets.UTF_8), "image/png");
            return new EncodedMessage(NodeKind.USER_INPUT, ("IMG:" + media.hash().hex()).getBytes(StandardCharsets.UTF_8),
                    List.of(media), false, false);
        }
        NodeKind kind = m.startsWith("S:") ? SYSTEM : m.startsWith("A:") ? NodeKind.ASSISTANT_RESPONSE : NodeKind.USER_INPUT;
        return new EncodedMessage(kind, m.getBytes(StandardCharsets.UTF_8), List.of(), kind.equals(SYSTEM),
                kind.equals(NodeKind.ASSISTANT_RESPONSE));
    }

    @Override
    public String decode(NodeKind kind, byte[] payload, BlobSource blobs) {
        String s = new String(payload, StandardCharsets.UTF_8);
        if (s.startsWith("IMG:")) {
            return "IMG:" + new String(blobs.load(ContentHash.parse(s.substring(4))), StandardCharsets.UTF_8);
        }
        return s;
    }

    @Override
    public NodeKind systemKind() {
        return SYSTEM;
    }

    @Override
    public Set<NodeKind> kinds() {
        return Set.of(NodeKind.USER_INPUT, NodeKind.ASSISTANT_RESPONSE, SYSTEM);
    }
}
