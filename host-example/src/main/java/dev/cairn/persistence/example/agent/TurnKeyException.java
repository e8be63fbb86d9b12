package dev.cairn.persistence.example.agent;

/**
 * A turn's idempotency key cannot be honoured: it was used for another message in this chat, or
 * the turn it names started and did not finish (it may still run on another instance, or the
 * service stopped during it).
 */
public class TurnKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean reused;

    /**
     * @param message what is wrong and what to do
     * @param reused true if the key was used for another message, false if its turn is unfinished
     */
    public TurnKeyException(String message, boolean reused) {
        super(message);
        this.reused = reused;
    }

    /** @return true if the key was used for another message, false if its turn is unfinished */
    public boolean reused() {
        return reused;
    }
}
