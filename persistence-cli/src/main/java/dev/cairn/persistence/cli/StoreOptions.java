package dev.cairn.persistence.cli;

import picocli.CommandLine.Option;

/** The options every store command shares: {@code --store} and {@code --verbose}. */
final class StoreOptions {
    @Option(names = "--store", paramLabel = "LOCATION",
            description = "Store location, scheme:target[?key=value&...], e.g. sqlite:./.cairn-data or memory:NAME. "
                    + "Default: $CAIRN_STORE, else " + CliEnvironment.DEFAULT_STORE + ".")
    String store;

    @Option(names = {"-v", "--verbose"}, description = "On errors, print the stack trace; log at debug level.")
    boolean verbose;
}
