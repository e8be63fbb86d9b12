package dev.cairn.persistence.cli;

import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import java.io.IOException;
import java.io.Reader;
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
            "The document is written to a temporary file first, so a failed export leaves no partial output. "
                + "Export a quiescent session: commits made during the export may be partly included."})
final class ExportCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "SESSION", description = "The session's id.")
    String sessionId;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE (replaced atomically) instead of stdout.")
    Path output;

    @Override
    int run(SessionStoreFactory factory) throws IOException {
        Path target = output == null ? null : output.toAbsolutePath();
        Path dir = target == null ? null : target.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw CliException.notFound("The directory of --output '" + output + "' does not exist; create it first");
        }
        try (RuntimePersistence store = openSession(factory, sessionId)) {
            Path tmp = dir == null ? Files.createTempFile("cairn-export-", ".json")
                    : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Exporter.Summary s;
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    s = new Exporter(new VersionProvider().getVersion()[0]).export(store, w, env().clock().instant());
                    w.write('\n');
                }
                if (target == null) {
                    try (Reader r = Files.newBufferedReader(tmp, StandardCharsets.UTF_8)) {
                        r.transferTo(out());
                    }
                    out().flush();
                    return ExitCode.OK;
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                out().println("Exported session " + sessionId + " to " + output + ": " + s.nodes() + " nodes ("
                        + s.tombstoned() + " tombstoned), " + s.checkpointSlots() + " checkpoint slots, " + s.blobs()
                        + " blobs (" + s.blobBytes() + " bytes), " + s.usageEntries() + " usage entries");
                return ExitCode.OK;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
