package dev.cairn.persistence.cli;

import picocli.CommandLine.Option;

/** The base of {@code gc} and {@code vacuum}, which act on the whole store through the factory. */
abstract class MaintenanceCommand extends StoreCommand {
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;
}
