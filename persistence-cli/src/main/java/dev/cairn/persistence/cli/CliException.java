package dev.cairn.persistence.cli;

/**
 * A failure the CLI detected itself, with the exit code to end with and a one-line message that
 * says what to do.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    static CliException notFound(String message) {
        return new CliException(ExitCode.NOT_FOUND, message);
    }

    static CliException corruption(String message) {
        return new CliException(ExitCode.CORRUPTION, message);
    }
}
