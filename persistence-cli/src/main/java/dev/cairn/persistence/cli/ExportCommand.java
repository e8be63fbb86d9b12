package dev.cairn.persistence.cli;

import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn export}: one session as a versioned JSON document. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a session as JSON (format " + ExportFormat.NAME + ", version " + ExportFormat.VERSION
                + "): metadata, head, every live and tombstoned node with payload, checkpoint slots per node, "
                + "blobs, and the token ledger. See persistence-cli/EXPORT-FORMAT.md.",
            "Export a quiescent session: commits made during the export may be partly included."})
final class ExportCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "SESSION", description = "The session's id.")
    String sessionId;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE (replaced atomically) instead of stdout.")
    Path output;

    @Override
    int run(SessionStoreFactory factory) throws IOException {
        try (RuntimePersistence store = openSession(factory, sessionId)) {
            Exporter exporter = new Exporter(new VersionProvider().getVersion()[0]);
            if (output == null) {
                exporter.export(store, out(), env().clock().instant());
                out().println();
                return ExitCode.OK;
            }
            Path target = output.toAbsolutePath();
            Path dir = target.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw CliException.notFound("The directory of --output '" + output + "' does not exist; create it first");
            }
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Exporter.Summary s;
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    s = exporter.export(store, w, env().clock().instant());
                    w.write('\n');
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                out().println("Exported session " + sessionId + " to " + output + ": " + s.nodes() + " nodes ("
                        + s.tombstoned() + " tombstoned), " + s.checkpointSlots() + " checkpoint slots, " + s.blobs()
                        + " blobs (" + s.blobBytes() + " bytes), " + s.usageEntries() + " usage entries");
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return ExitCode.OK;
    }
}
