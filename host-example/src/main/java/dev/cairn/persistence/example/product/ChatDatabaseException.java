package dev.cairn.persistence.example.product;

/** The chats table could not be read or written (unreachable database, missing grant, full disk). */
public class ChatDatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and where, without secrets
     * @param cause the driver's exception
     */
    public ChatDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
