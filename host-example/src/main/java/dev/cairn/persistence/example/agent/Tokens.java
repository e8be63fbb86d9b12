package dev.cairn.persistence.example.agent;

/**
 * A rough token estimate: one token per whitespace-separated word. Good enough to bound a context
 * and for the built-in model's usage reports; real models report their own counts.
 */
public final class Tokens {
    private Tokens() {
    }

    /**
     * @param text any text
     * @return the number of words in it
     */
    public static int count(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }

    /**
     * @param message a context message
     * @return its estimated size, its text and tool-call arguments plus one for the role
     */
    public static int count(ChatMessage message) {
        int n = 1 + count(message.text());
        for (ToolCall call : message.toolCalls()) {
            n += 1 + count(call.arguments().toString());
        }
        return n;
    }
}
