package dev.cairn.persistence.cli;

import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionStoreFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The base of {@code gc} and {@code vacuum}. Both act on the whole store, but the API reaches them
 * only through a session's store, so they go through the newest session (or {@code --via}).
 */
abstract class MaintenanceCommand extends StoreCommand {
    @Option(names = "--via", paramLabel = "SESSION",
            description = "The session whose store handle runs the operation (default: the newest). "
                    + "The operation covers every session of the store either way.")
    String via;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    final int run(SessionStoreFactory factory) {
        Optional<RuntimePersistence> store;
        if (via != null) {
            store = Optional.of(openSession(factory, via));
        } else {
            List<SessionMeta> newest = Catalogue.list(factory, Optional.empty(), Map.of(), 1);
            store = newest.isEmpty() ? Optional.empty() : factory.openExisting(newest.get(0).sessionId());
        }
        if (store.isEmpty()) {
            out().println(format == OutputFormat.TEXT ? "The store has no sessions; nothing to do."
                    : "{\"sessions\": 0}");
            return ExitCode.OK;
        }
        try (RuntimePersistence s = store.get()) {
            return operate(s);
        }
    }

    abstract int operate(RuntimePersistence store);
}
