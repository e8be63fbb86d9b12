package dev.cairn.persistence.cli;

import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.ProviderNotFoundException;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.StoreCorruptedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into an exit code and ONE line on stderr that says what to do; the stack trace
 * only with {@code --verbose}.
 */
final class Errors {
    private Errors() {
    }

    static int handleParameterException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        cl.getErr().println(name + ": " + oneLine(ex.getMessage()) + " (run '" + name + " --help' for usage)");
        cl.getErr().flush();
        return ExitCode.USAGE;
    }

    static int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + message(ex));
        if (cl.getCommand() instanceof StoreCommand sc && sc.verbose()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode(ex);
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof CliException c) {
            return c.exitCode();
        }
        if (ex instanceof StoreCorruptedException) {
            return ExitCode.CORRUPTION;
        }
        if (ex instanceof SessionNotFoundException) {
            return ExitCode.NOT_FOUND;
        }
        if (ex instanceof InvalidRequestException || ex instanceof ProviderNotFoundException) {
            return ExitCode.USAGE;
        }
        if (ex instanceof PersistenceException || ex instanceof IOException || ex instanceof UncheckedIOException) {
            return ExitCode.STORE_ERROR;
        }
        return ExitCode.INTERNAL_ERROR;
    }

    static String message(Throwable ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : oneLine(ex.getMessage());
        if (ex instanceof CliException || ex instanceof InvalidRequestException
                || ex instanceof ProviderNotFoundException) {
            return m;
        }
        if (ex instanceof StoreCorruptedException) {
            return m + "; run 'cairn verify' to list every damaged payload and blob";
        }
        if (ex instanceof SessionNotFoundException) {
            return m + "; list the sessions with 'cairn sessions'";
        }
        if (ex instanceof PersistenceException) {
            return m + " (rerun with --verbose for the cause)";
        }
        if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            return "I/O error: " + m + "; check the path and its permissions";
        }
        return "internal error: " + ex.getClass().getName() + ": " + m
                + "; rerun with --verbose and report the stack trace";
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
