package dev.cairn.persistence.cli;

import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn tree}: the branch structure, from {@code fullGraphWithTombstones}. */
@Command(name = "tree", mixinStandardHelpOptions = true,
        description = {"Draw the branch structure of a session, tombstoned branches included.",
            "A node with one child continues in the same column; branches fork with ├── and └──. "
                + "The head is marked [head], tombstoned nodes [tombstoned] (dimmed on a terminal)."})
final class TreeCommand extends StoreCommand {
    private static final String DIM = "\u001b[2m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    /** When to write ANSI styles. */
    enum Color { AUTO, ALWAYS, NEVER }

    @Parameters(index = "0", paramLabel = "SESSION", description = "The session's id.")
    String sessionId;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "auto (only when stdout is a terminal and NO_COLOR is unset), always or never "
                    + "(default: ${DEFAULT-VALUE}).")
    Color color;

    @Override
    int run(SessionStoreFactory factory) {
        try (RuntimePersistence store = openSession(factory, sessionId)) {
            PersistedSessionRead read = store.loadSession(SessionReadScope.fullGraphWithTombstones())
                    .orElseThrow(() -> CliException.notFound("Session '" + sessionId + "' was deleted while reading"));
            boolean ansi = color == Color.ALWAYS || (color == Color.AUTO && env().colorByDefault());
            print(out(), read, ansi);
        }
        return ExitCode.OK;
    }

    static void print(PrintWriter out, PersistedSessionRead read, boolean ansi) {
        SessionGraph graph = new SessionGraph(read.nodes());
        Optional<String> head = read.head().nodeId();
        out.println("Session " + read.meta().sessionId() + ": " + graph.liveCount() + " live nodes, "
                + graph.tombstonedCount() + " tombstoned, " + plural(graph.liveLeaves().size(), "branch", "branches") + "; head "
                + head.orElse("(none)") + " at revision " + read.head().revision());
        if (graph.nodes().isEmpty()) {
            out.println("(no nodes)");
            return;
        }
        record Frame(SessionNode node, String linePrefix, String childPrefix) {
        }
        Deque<Frame> stack = new ArrayDeque<>();
        List<SessionNode> roots = graph.roots();
        for (int i = roots.size() - 1; i >= 0; i--) {
            stack.push(new Frame(roots.get(i), "", ""));
        }
        while (!stack.isEmpty()) {
            Frame f = stack.pop();
            SessionNode n = f.node();
            out.println(f.linePrefix() + label(n, head.filter(n.nodeId()::equals).isPresent(), ansi));
            List<SessionNode> kids = graph.children(n.nodeId());
            if (kids.size() == 1) {
                stack.push(new Frame(kids.get(0), f.childPrefix(), f.childPrefix()));
                continue;
            }
            for (int i = kids.size() - 1; i >= 0; i--) {
                boolean last = i == kids.size() - 1;
                stack.push(new Frame(kids.get(i), f.childPrefix() + (last ? "└── " : "├── "),
                        f.childPrefix() + (last ? "    " : "│   ")));
            }
        }
    }

    static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String label(SessionNode n, boolean isHead, boolean ansi) {
        String text = "#" + n.seq() + " " + n.nodeId() + " " + n.kind()
                + (isHead ? " [head]" : "") + (n.tombstoned() ? " [tombstoned]" : "");
        if (!ansi) {
            return text;
        }
        if (n.tombstoned()) {
            return DIM + text + RESET;
        }
        return isHead ? BOLD + text + RESET : text;
    }
}
