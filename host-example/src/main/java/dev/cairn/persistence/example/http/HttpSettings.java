package dev.cairn.persistence.example.http;

import java.util.List;
import java.util.Objects;

/**
 * How the HTTP API is served.
 *
 * @param host the address to bind, {@code 127.0.0.1} by default
 * @param port the port, 0 for a free one
 * @param maxMessageBytes the largest message text, in UTF-8 bytes; larger ones get 413
 * @param store the store location as shown by health (secrets redacted)
 * @param durability what the store promises, as shown by health
 * @param allowedHosts host names the {@code Host} header may carry; empty for the default (see
 *     {@link RequestGuard})
 * @param allowedOrigins origins ({@code https://app.example.com}) a browser may send requests from,
 *     beside the service's own
 * @param limits timeouts and connection limits
 */
public record HttpSettings(String host, int port, int maxMessageBytes, String store, String durability,
                           List<String> allowedHosts, List<String> allowedOrigins, HttpLimits limits) {
    /** The default message limit, 32 KiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024;

    /** Validates and copies. */
    public HttpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(durability, "durability");
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(limits, "limits");
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
