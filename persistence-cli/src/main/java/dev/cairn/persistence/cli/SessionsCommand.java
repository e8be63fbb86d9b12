package dev.cairn.persistence.cli;

import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionStoreFactory;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn sessions}: the catalogue, newest first, paged with the API's cursors. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "List the sessions of the store, newest first.")
final class SessionsCommand extends StoreCommand {
    @Option(names = "--parent", paramLabel = "ID", description = "Only the sessions whose parent session is ID.")
    String parent;

    @Option(names = "--attribute", paramLabel = "KEY=VALUE",
            description = "Only sessions with this attribute value; repeat to require several.")
    Map<String, String> attributes = new LinkedHashMap<>();

    @Option(names = "--limit", paramLabel = "N", description = "Show at most N sessions (default: all).")
    Integer limit;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or jsonl (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    int run(SessionStoreFactory factory) {
        if (limit != null && limit < 1) {
            throw CliException.usage("Invalid --limit " + limit + ": give 1 or more, or leave it out to list all");
        }
        if (parent != null) {
            requireId(parent);
        }
        List<SessionMeta> sessions = Catalogue.list(factory, Optional.ofNullable(parent), attributes,
                limit == null ? Integer.MAX_VALUE : limit);
        PrintWriter out = out();
        switch (format) {
            case JSON -> out.println(Json.pretty(JsonViews.array(sessions.stream().map(JsonViews::meta).toList())));
            case JSONL -> sessions.forEach(m -> out.println(Json.compact(JsonViews.meta(m))));
            default -> printText(out, sessions);
        }
        return ExitCode.OK;
    }

    private static void printText(PrintWriter out, List<SessionMeta> sessions) {
        if (sessions.isEmpty()) {
            out.println("No sessions.");
            return;
        }
        Table t = new Table(new String[] {"SESSION", "CREATED", "PARENT", "MODEL", "NAME"});
        for (SessionMeta m : sessions) {
            t.row(m.sessionId(), Times.text(m.createdAt()), m.parentSessionId().orElse("-"),
                    m.model().isEmpty() ? "-" : m.model(), m.name().isEmpty() ? "-" : oneLine(m.name()));
        }
        t.print(out, "");
        out.println(sessions.size() + (sessions.size() == 1 ? " session" : " sessions"));
    }

    static String oneLine(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]+", " ").strip();
        return t.length() > 60 ? t.substring(0, 59) + "…" : t;
    }
}
