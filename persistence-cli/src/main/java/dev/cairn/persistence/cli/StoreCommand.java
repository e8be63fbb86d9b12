package dev.cairn.persistence.cli;

import dev.cairn.persistence.Ids;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StoreLocation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The base of the commands that open a store: resolves {@code --store}, opens the factory with
 * {@link SessionStores#open(String)}, closes it afterwards.
 */
abstract class StoreCommand implements Callable<Integer> {
    @ParentCommand
    CairnCommand cairn;

    @Mixin
    StoreOptions storeOptions = new StoreOptions();

    @Spec
    CommandSpec spec;

    private StoreLocation location;

    @Override
    public final Integer call() throws Exception {
        if (verbose()) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        location = parseLocation();
        prepare();
        if (!createsSessions()) {
            requireExistingStore(location);
        }
        try (SessionStoreFactory factory = SessionStores.open(locationText())) {
            return run(factory);
        }
    }

    /**
     * Runs the command on an open factory.
     *
     * @param factory the store's factory; closed by the caller
     * @return the exit code
     * @throws Exception on failure; mapped to an exit code by {@link Errors}
     */
    abstract int run(SessionStoreFactory factory) throws Exception;

    /**
     * Runs before the store is opened: check input files here, so bad input never touches the store.
     *
     * @throws Exception on failure
     */
    void prepare() throws Exception {
    }

    /** @return true if the command writes sessions, so a store that does not exist yet may be created */
    boolean createsSessions() {
        return false;
    }

    boolean verbose() {
        return storeOptions.verbose;
    }

    CliEnvironment env() {
        return cairn.environment();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** @return the location text as given (may hold secrets: never print it, print {@link #location()}) */
    private String locationText() {
        return storeOptions.store != null ? storeOptions.store : env().defaultStore();
    }

    /** @return the parsed location, whose {@code toString} redacts secrets */
    StoreLocation location() {
        return location;
    }

    private StoreLocation parseLocation() {
        return StoreLocation.parse(locationText());
    }

    /**
     * A read-only command must not create an empty store where none was: for {@code sqlite:} the
     * directory must exist. Other schemes are left to their provider.
     */
    private static void requireExistingStore(StoreLocation location) {
        if (location.scheme().equals("sqlite") && !location.target().isEmpty()
                && !Files.isDirectory(Path.of(location.target()))) {
            throw CliException.notFound("No SQLite store at '" + location.target()
                    + "'; pass --store sqlite:DIR of an existing store or set $" + CliEnvironment.STORE_VARIABLE);
        }
    }

    /**
     * Opens an existing session.
     *
     * @param factory the factory
     * @param sessionId the session's id, as typed
     * @return its store; the caller closes it
     */
    RuntimePersistence openSession(SessionStoreFactory factory, String sessionId) {
        requireId(sessionId);
        return factory.openExisting(sessionId).orElseThrow(() -> CliException.notFound("Session " + Ids.quote(sessionId)
                + " not found in " + location + "; list the sessions with 'cairn sessions --store LOCATION'"));
    }

    static String requireId(String sessionId) {
        if (!Ids.isValid(sessionId)) {
            throw CliException.usage("Invalid session id " + Ids.quote(sessionId) + ": an id is " + Ids.RULE);
        }
        return sessionId;
    }
}
