package dev.cairn.persistence.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.VacuumReport;
import picocli.CommandLine.Command;

/** {@code cairn vacuum}: removes detached nodes for good and gives space back, store-wide. */
@Command(name = "vacuum", mixinStandardHelpOptions = true,
        description = {"Remove the nodes that gc detached, in every session, and give storage space back. "
                + "Prints the report. The token ledger does not change."})
final class VacuumCommand extends MaintenanceCommand {
    @Override
    int run(SessionStoreFactory factory) {
        VacuumReport r = factory.vacuum();
        if (format == OutputFormat.TEXT) {
            out().println("vacuum: removed " + r.nodesRemoved() + " detached nodes, reclaimed " + r.bytesReclaimed()
                    + " bytes");
        } else {
            ObjectNode o = Json.object();
            o.put("nodesRemoved", r.nodesRemoved());
            o.put("bytesReclaimed", r.bytesReclaimed());
            out().println(format == OutputFormat.JSON ? Json.pretty(o) : Json.compact(o));
        }
        return ExitCode.OK;
    }
}
