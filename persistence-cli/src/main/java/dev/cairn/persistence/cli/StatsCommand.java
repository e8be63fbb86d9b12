package dev.cairn.persistence.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.TokenUsage;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn stats}: sizes of a session and its token ledger. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Show the nodes, branches (live leaves), tombstoned nodes, blobs and bytes of a session, "
                + "and its token ledger by model.",
            "The ledger counts every turn ever committed, on abandoned and deleted branches too."})
final class StatsCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "SESSION", description = "The session's id.")
    String sessionId;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    int run(SessionStoreFactory factory) {
        SessionStats s;
        try (RuntimePersistence store = openSession(factory, sessionId)) {
            s = SessionStats.of(store);
        }
        if (format == OutputFormat.TEXT) {
            printText(out(), s);
        } else {
            ObjectNode json = json(s);
            out().println(format == OutputFormat.JSON ? Json.pretty(json) : Json.compact(json));
        }
        return ExitCode.OK;
    }

    private static ObjectNode json(SessionStats s) {
        ObjectNode o = Json.object();
        o.put("sessionId", s.sessionId());
        o.set("head", JsonViews.head(s.head()));
        o.put("activePathLength", s.activePathLength());
        o.put("liveNodes", s.liveNodes());
        o.put("tombstonedNodes", s.tombstonedNodes());
        o.put("roots", s.roots());
        o.put("branches", s.branches());
        ObjectNode kinds = o.putObject("nodesByKind");
        s.nodesByKind().forEach(kinds::put);
        o.put("payloadBytes", s.payloadBytes());
        o.put("blobs", s.blobs());
        o.put("blobBytes", s.blobBytes());
        o.put("attachmentRefs", s.attachmentRefs());
        o.put("checkpointSlots", s.checkpointSlots());
        ObjectNode usage = o.putObject("usage");
        usage.set("total", JsonViews.tokens(s.usageTotal()));
        usage.set("byModel", JsonViews.byModel(s.usageByModel()));
        usage.put("entries", s.usageEntries());
        return o;
    }

    private static void printText(PrintWriter out, SessionStats s) {
        out.println("Session " + s.sessionId());
        Table t = new Table(new String[] {"", ""});
        t.row("head", s.head().nodeId().orElse("(none)") + " at revision " + s.head().revision()
                + " (active path " + s.activePathLength() + " nodes)");
        t.row("nodes", s.liveNodes() + " live, " + s.tombstonedNodes() + " tombstoned, " + s.roots()
                + (s.roots() == 1 ? " root" : " roots"));
        t.row("branches", s.branches() + " (live leaves)");
        t.row("kinds", s.nodesByKind().isEmpty() ? "-" : s.nodesByKind().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        t.row("payloads", s.payloadBytes() + " bytes");
        t.row("blobs", s.blobs() + " distinct, " + s.blobBytes() + " bytes ("
                + TreeCommand.plural(s.attachmentRefs(), "attachment", "attachments") + ", "
                + TreeCommand.plural(s.checkpointSlots(), "checkpoint slot", "checkpoint slots") + ")");
        t.print(out, "  ");
        out.println("Token ledger (" + s.usageEntries() + " entries on stored nodes):");
        Table u = new Table(new String[] {"MODEL", "INPUT", "OUTPUT", "CACHED", "REASONING", "TOTAL"},
                false, true, true, true, true, true);
        s.usageByModel().forEach((model, tokens) -> row(u, model, tokens));
        row(u, "(all models)", s.usageTotal());
        u.print(out, "  ");
    }

    private static void row(Table t, String model, TokenUsage u) {
        t.row(model, u.inputTokens(), u.outputTokens(), u.cachedInputTokens(), u.reasoningTokens(), u.totalTokens());
    }
}
