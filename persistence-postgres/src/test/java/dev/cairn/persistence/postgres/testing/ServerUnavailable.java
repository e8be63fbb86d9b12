package dev.cairn.persistence.postgres.testing;

/**
 * Why no test server could be started, worded for a person reading a skipped test: what is missing
 * and, where there is one, how to get it. {@link PostgresTestServer} turns it into a skip or, when a
 * server is required, a failure.
 */
final class ServerUnavailable extends RuntimeException {
    ServerUnavailable(String reason) {
        super(reason);
    }

    ServerUnavailable(String reason, Throwable cause) {
        super(reason, cause);
    }
}
