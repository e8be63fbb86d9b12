package dev.cairn.persistence.example.http;

import java.util.Objects;

/**
 * How the HTTP API is served.
 *
 * @param host the address to bind, {@code 127.0.0.1} by default
 * @param port the port, 0 for a free one
 * @param maxMessageBytes the largest message text, in UTF-8 bytes; larger ones get 413
 * @param store the store location as shown by health (secrets redacted)
 * @param durability what the store promises, as shown by health
 */
public record HttpSettings(String host, int port, int maxMessageBytes, String store, String durability) {
    /** The default message limit, 32 KiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024;

    /** Validates. */
    public HttpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(durability, "durability");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1, got " + maxMessageBytes);
        }
    }

    /** @return the largest request body: the message limit with room for JSON escaping */
    public long maxBodyBytes() {
        return (long) maxMessageBytes * 6 + 4096;
    }
}
