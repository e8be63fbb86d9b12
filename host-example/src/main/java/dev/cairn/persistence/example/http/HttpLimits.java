package dev.cairn.persistence.example.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What one client may hold of the server. Past each bound the client gets a JSON error (or, for a
 * connection that never finishes its headers, a closed connection), and other clients are served.
 *
 * @param idleTimeout the longest silence on a connection (between requests, and inside a read or write);
 *     a client that stops reading a response is cut off after it
 * @param headerTimeout how long a client may take to send a request's line and headers, from its first byte
 * @param bodyTimeout how long a client may take to send a request's body (HTTP 408 after it)
 * @param maxConnections open connections at most; more wait in the kernel's accept queue
 * @param maxConcurrentRequests API requests handled at once; more get HTTP 503 at once
 *     ({@code /health} is not counted)
 */
public record HttpLimits(Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, int maxConnections,
                         int maxConcurrentRequests) {
    /** 30 s idle, 10 s for headers, 20 s for a body, 512 connections, 64 requests at once. */
    public static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(20), 512, 64);

    /** Validates. */
    public HttpLimits {
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("headerTimeout", headerTimeout);
        requirePositive("bodyTimeout", bodyTimeout);
        if (maxConnections < 1 || maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("maxConnections and maxConcurrentRequests must be at least 1");
        }
    }

    private static void requirePositive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
