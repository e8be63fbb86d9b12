package dev.cairn.persistence.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.SessionStoreFactory;
import picocli.CommandLine.Command;

/** {@code cairn gc}: detaches tombstoned nodes and deletes unreferenced blobs, store-wide. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {"Collect garbage in the whole store: detach tombstoned nodes of every session and delete the "
                + "blobs no live node references. Prints the report.",
            "Tombstoned nodes cannot be exported or restored after this."})
final class GcCommand extends MaintenanceCommand {
    @Override
    int run(SessionStoreFactory factory) {
        GcReport r = factory.gcUnreachable();
        if (format == OutputFormat.TEXT) {
            out().println("gc: detached " + r.nodesDetached() + " tombstoned nodes, deleted " + r.blobsDeleted()
                    + " unreferenced blobs (" + r.bytesFreed() + " bytes)");
        } else {
            ObjectNode o = Json.object();
            o.put("nodesDetached", r.nodesDetached());
            o.put("blobsDeleted", r.blobsDeleted());
            o.put("bytesFreed", r.bytesFreed());
            out().println(format == OutputFormat.JSON ? Json.pretty(o) : Json.compact(o));
        }
        return ExitCode.OK;
    }
}
