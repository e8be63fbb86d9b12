package dev.cairn.persistence.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.UsageEntry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn replay}: the timeline of a session. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Print the timeline of a session: the active path (root to head) by default, every live node "
                + "with --all-branches.",
            "Text mode pretty-prints JSON payloads, prints UTF-8 text as is and shows other payloads as size and hash; "
                + "it lists attachments, and the checkpoint slots in effect at the head under the nodes that committed them."})
final class ReplayCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "SESSION", description = "The session's id.")
    String sessionId;

    @Option(names = "--kind", split = ",", paramLabel = "KIND",
            description = "Only nodes of these kinds, e.g. tool_call,tool_result.")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME", description = "Only nodes created at or after TIME: " + Times.FORMATS + ".")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only nodes created at or before TIME.")
    String until;

    @Option(names = "--all-branches", description = "Every live node in commit order, not only the active path.")
    boolean allBranches;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or jsonl (one node per line) (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    int run(SessionStoreFactory factory) {
        Set<String> kindFilter = kinds();
        Optional<Instant> from = Optional.ofNullable(since).map(s -> Times.parse("--since", s, env().clock()));
        Optional<Instant> to = Optional.ofNullable(until).map(s -> Times.parse("--until", s, env().clock()));
        try (RuntimePersistence store = openSession(factory, sessionId)) {
            PersistedSessionRead read = store.loadSession(allBranches ? SessionReadScope.fullGraph()
                    : SessionReadScope.activePath()).orElseThrow(() -> CliException.notFound("Session '" + sessionId
                    + "' was deleted while reading; list the sessions with 'cairn sessions'"));
            List<SessionNode> shown = read.nodes().stream()
                    .filter(n -> kindFilter.isEmpty() || kindFilter.contains(n.kind().name()))
                    .filter(n -> from.isEmpty() || !n.createdAt().isBefore(from.get()))
                    .filter(n -> to.isEmpty() || !n.createdAt().isAfter(to.get()))
                    .toList();
            switch (format) {
                case JSON -> out().println(Json.pretty(json(read, shown)));
                case JSONL -> shown.forEach(n -> out().println(Json.compact(
                        JsonViews.node(n, isHead(read, n)).put("sessionId", read.meta().sessionId()))));
                default -> new TimelinePrinter(out()).print(read, shown, allBranches);
            }
        }
        return ExitCode.OK;
    }

    private Set<String> kinds() {
        Set<String> out = new LinkedHashSet<>();
        for (String k : kinds) {
            String t = k.strip();
            if (!t.isEmpty()) {
                out.add(NodeKind.of(t).name());
            }
        }
        return out;
    }

    static boolean isHead(PersistedSessionRead read, SessionNode n) {
        return read.head().nodeId().filter(n.nodeId()::equals).isPresent();
    }

    private ObjectNode json(PersistedSessionRead read, List<SessionNode> shown) {
        ObjectNode o = Json.object();
        o.set("session", JsonViews.meta(read.meta()));
        o.set("head", JsonViews.head(read.head()));
        o.put("scope", allBranches ? "all-branches" : "active-path");
        ArrayNode nodes = o.putArray("nodes");
        shown.forEach(n -> nodes.add(JsonViews.node(n, isHead(read, n))));
        ObjectNode cp = o.putObject("checkpoint");
        read.checkpoint().slots().forEach((name, slot) -> cp.set(name, JsonViews.slot(slot)));
        ObjectNode usage = o.putObject("usage");
        usage.set("total", JsonViews.tokens(read.usage().total()));
        usage.set("byModel", JsonViews.byModel(read.usage().byModel()));
        Set<String> ids = shown.stream().map(SessionNode::nodeId).collect(Collectors.toSet());
        ArrayNode turns = usage.putArray("turns");
        for (UsageEntry e : read.usage().turns()) {
            if (ids.contains(e.nodeId())) {
                turns.add(JsonViews.usageEntry(e));
            }
        }
        return o;
    }

    /** The text timeline. */
    private static final class TimelinePrinter {
        private final PrintWriter out;

        TimelinePrinter(PrintWriter out) {
            this.out = out;
        }

        void print(PersistedSessionRead read, List<SessionNode> shown, boolean allBranches) {
            var meta = read.meta();
            out.println("Session " + meta.sessionId() + (meta.name().isEmpty() ? "" : " \"" + SessionsCommand.oneLine(meta.name()) + "\"")
                    + (meta.model().isEmpty() ? "" : " (model " + meta.model() + ")"));
            out.println("Head " + read.head().nodeId().orElse("(none)") + " at revision " + read.head().revision()
                    + "; " + (allBranches ? "all branches" : "active path") + ", " + shown.size() + " of "
                    + read.nodes().size() + " nodes shown");
            for (SessionNode n : shown) {
                out.println();
                printNode(read, n);
            }
            out.println();
            printCheckpoint(read);
            printUsage(read, shown);
        }

        private void printNode(PersistedSessionRead read, SessionNode n) {
            out.println("#" + n.seq() + "  " + Times.text(n.createdAt()) + "  " + n.kind() + "  " + n.nodeId()
                    + n.parentNodeId().map(p -> "  (parent " + p + ")").orElse("  (root)")
                    + (isHead(read, n) ? "  [head]" : ""));
            Payloads.View v = Payloads.classify(n.payload());
            switch (v.type()) {
                case EMPTY -> out.println("    (empty payload)");
                case JSON -> indent(Json.pretty(v.json().orElseThrow()));
                case TEXT -> indent(v.text().orElseThrow());
                default -> out.println("    (binary payload, " + n.payloadSize() + " bytes, " + n.payloadHash() + ")");
            }
            n.attachments().forEach(a -> out.println("    attachment " + a.mediaType() + ", " + a.size() + " bytes, "
                    + a.hash()));
            read.checkpoint().slots().values().stream().filter(s -> s.nodeId().equals(n.nodeId()))
                    .forEach(s -> out.println("    checkpoint " + s.slot() + " (in effect at the head), "
                            + s.blob().size() + " bytes, " + s.blob().hash()));
        }

        private void indent(String text) {
            for (String line : text.split("\r?\n", -1)) {
                out.println(("    " + line).stripTrailing());
            }
        }

        private void printCheckpoint(PersistedSessionRead read) {
            if (read.checkpoint().isEmpty()) {
                out.println("Checkpoint at head: none");
            } else {
                out.println("Checkpoint at head:");
                Table t = new Table(new String[] {"SLOT", "NODE", "BYTES", "HASH"}, false, false, true);
                read.checkpoint().slots().values().forEach(s -> t.row(s.slot(), s.nodeId(), s.blob().size(),
                        s.blob().hash()));
                t.print(out, "  ");
            }
        }

        private void printUsage(PersistedSessionRead read, List<SessionNode> shown) {
            Set<String> ids = shown.stream().map(SessionNode::nodeId).collect(Collectors.toSet());
            long turns = read.usage().turns().stream().filter(e -> ids.contains(e.nodeId())).count();
            var total = read.usage().total();
            out.println("Usage: " + turns + (turns == 1 ? " turn" : " turns") + " on the nodes shown; session total "
                    + total.inputTokens() + " input, " + total.outputTokens() + " output tokens"
                    + (read.usage().byModel().isEmpty() ? "" : " (" + read.usage().byModel().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().totalTokens()).collect(Collectors.joining(", ")) + ")"));
        }
    }
}
