package dev.cairn.persistence.example.product;

/** The app has no chat with this id (never created, or deleted). */
public class ChatNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param chatId the unknown chat
     */
    public ChatNotFoundException(String chatId) {
        super("There is no chat '" + (chatId.length() > 64 ? chatId.substring(0, 64) + "..." : chatId) + "'");
    }
}
