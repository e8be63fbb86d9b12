package dev.cairn.persistence.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.SessionStoreFactory;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn verify}: re-hashes payloads and blobs; exit code 1 when anything is damaged. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Re-hash every payload against its payloadHash and load every referenced blob (attachments "
                + "and checkpoint slots), which the store verifies against its hash.",
            "Checks one session, or every session of the store. Exits with 1 when corruption is found."})
final class VerifyCommand extends StoreCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SESSION", description = "The session (default: all).")
    String sessionId;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    int run(SessionStoreFactory factory) {
        List<String> ids;
        if (sessionId != null) {
            openSession(factory, sessionId).close();
            ids = List.of(sessionId);
        } else {
            ids = Catalogue.allIds(factory);
        }
        Verifier.Report r = new Verifier().verify(factory, ids);
        if (format == OutputFormat.TEXT) {
            printText(out(), r);
        } else {
            ObjectNode json = json(r);
            out().println(format == OutputFormat.JSON ? Json.pretty(json) : Json.compact(json));
        }
        return r.ok() ? ExitCode.OK : ExitCode.CORRUPTION;
    }

    private void printText(PrintWriter out, Verifier.Report r) {
        out.println("Verified " + location() + ": " + r.sessions() + (r.sessions() == 1 ? " session, " : " sessions, ")
                + r.nodes() + " payloads, " + r.blobs() + " blobs (" + r.blobBytes() + " bytes)");
        for (Verifier.Problem p : r.problems()) {
            String label = switch (p.kind()) {
                case "missing-blob" -> "MISSING";
                case "unreadable-session", "unreadable-path" -> "UNREADABLE";
                default -> "CORRUPT";
            };
            String subject = switch (p.kind()) {
                case "payload" -> "payload " + p.sessionId() + "/" + p.subject();
                case "blob", "missing-blob" -> "blob " + p.subject();
                case "unreadable-session" -> "session " + p.sessionId();
                default -> "path to " + p.sessionId() + "/" + p.subject();
            };
            out.println(label + "  " + subject + ": " + p.detail()
                    + (p.referencedBy().isEmpty() ? "" : "; referenced by " + String.join(", ", p.referencedBy())));
        }
        if (r.ok()) {
            out.println("OK: every payload and blob matches its hash");
        } else {
            out.println(r.problems().size() + (r.problems().size() == 1 ? " problem" : " problems")
                    + " found; restore the store from a backup or re-import a good export of the damaged sessions");
        }
    }

    private static ObjectNode json(Verifier.Report r) {
        ObjectNode o = Json.object();
        o.put("ok", r.ok());
        o.put("sessions", r.sessions());
        o.put("payloads", r.nodes());
        o.put("blobs", r.blobs());
        o.put("blobBytes", r.blobBytes());
        ArrayNode problems = o.putArray("problems");
        for (Verifier.Problem p : r.problems()) {
            ObjectNode j = problems.addObject();
            j.put("kind", p.kind());
            j.put("sessionId", p.sessionId());
            j.put("subject", p.subject());
            j.put("detail", p.detail());
            ArrayNode by = j.putArray("referencedBy");
            p.referencedBy().forEach(by::add);
        }
        return o;
    }
}
