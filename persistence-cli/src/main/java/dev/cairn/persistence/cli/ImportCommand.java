package dev.cairn.persistence.cli;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn import}: rebuilds a session from an export file by replaying commits. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Create a session from a file that 'cairn export' wrote, by replaying commits: nodes in seq "
                + "order with their checkpoint slots, the usage ledger, the head, then tombstones.",
            "Ids, parents, kinds, payloads, attachments, checkpoints and ledger totals are kept; creation times "
                + "and the revision are new. Nothing is left behind if the import fails."})
final class ImportCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The export file.")
    Path file;

    @Option(names = "--as", paramLabel = "NEWID", description = "Import under this session id instead of the file's.")
    String as;

    @Override
    boolean createsSessions() {
        return true;
    }

    private ExportFormat.Document doc;
    private Map<ContentHash, byte[]> blobs;
    private String target;

    @Override
    void prepare() throws IOException {
        if (as != null) {
            requireId(as);
        }
        doc = ExportFile.read(file);
        blobs = ExportValidator.validate(doc);
        target = as != null ? as : doc.session().sessionId();
    }

    @Override
    int run(SessionStoreFactory factory) {
        Importer.Summary s = Importer.importInto(factory, doc, blobs, target);
        out().println("Imported session " + s.sessionId() + " from " + file + ": " + s.nodes() + " nodes ("
                + s.tombstoned() + " tombstoned), " + s.checkpointSlots() + " checkpoint slots, " + s.usageEntries()
                + " usage entries; head " + s.head().nodeId().orElse("(none)") + " at revision " + s.head().revision());
        return ExitCode.OK;
    }
}
