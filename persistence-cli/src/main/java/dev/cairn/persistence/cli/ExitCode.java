package dev.cairn.persistence.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of {@code cairn}; the same list is in every command's {@code --help}.
 */
public final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** Corruption was found: by {@code verify}, while reading a damaged store, or in a damaged export file. */
    public static final int CORRUPTION = 1;
    /** The command line or its input was wrong (unknown option, invalid id, malformed time, unknown scheme, existing session). */
    public static final int USAGE = 2;
    /** A session, node, store directory or file does not exist. */
    public static final int NOT_FOUND = 3;
    /** The store failed: an I/O error, a provider failure, a schema newer than this build. */
    public static final int STORE_ERROR = 4;
    /** A bug in cairn; rerun with {@code --verbose} and report the stack trace. */
    public static final int INTERNAL_ERROR = 5;

    /** The exit code list for {@code --help}, in order. */
    static final Map<String, String> HELP_LIST = helpList();

    private ExitCode() {
    }

    private static Map<String, String> helpList() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(" " + OK, "ok");
        m.put(" " + CORRUPTION, "corruption found (verify, a damaged store or export file)");
        m.put(" " + USAGE, "usage error (bad option or argument, unknown scheme, existing session on import)");
        m.put(" " + NOT_FOUND, "not found (session, node, store directory, file)");
        m.put(" " + STORE_ERROR, "store error (I/O, a provider failure, schema newer than cairn)");
        m.put(" " + INTERNAL_ERROR, "internal error (a bug: rerun with --verbose and report it)");
        return Collections.unmodifiableMap(m);
    }
}
