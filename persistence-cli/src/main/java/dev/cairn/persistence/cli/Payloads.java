package dev.cairn.persistence.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Classifies payload bytes for display: empty, JSON (shown pretty-printed), UTF-8 text without
 * control characters other than tab and line breaks (shown as is), or binary (shown as size and
 * hash only). Payloads are never logged.
 */
final class Payloads {
    private Payloads() {
    }

    /** How a payload is shown. */
    enum Type {
        EMPTY, JSON, TEXT, BINARY;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A classified payload.
     *
     * @param type its type
     * @param json the tree, for {@link Type#JSON}
     * @param text the text, for {@link Type#TEXT} and {@link Type#JSON}
     */
    record View(Type type, Optional<JsonNode> json, Optional<String> text) {
    }

    static View classify(byte[] payload) {
        if (payload.length == 0) {
            return new View(Type.EMPTY, Optional.empty(), Optional.empty());
        }
        Optional<String> text = utf8(payload);
        if (text.isEmpty()) {
            return new View(Type.BINARY, Optional.empty(), Optional.empty());
        }
        if (looksLikeJson(text.get())) {
            Optional<JsonNode> tree = Json.parse(payload);
            if (tree.isPresent()) {
                return new View(Type.JSON, tree, text);
            }
        }
        if (!printable(text.get())) {
            return new View(Type.BINARY, Optional.empty(), Optional.empty());
        }
        return new View(Type.TEXT, Optional.empty(), text);
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static boolean looksLikeJson(String s) {
        String t = s.strip();
        if (t.isEmpty()) {
            return false;
        }
        char c = t.charAt(0);
        return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9')
                || t.equals("true") || t.equals("false") || t.equals("null");
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
