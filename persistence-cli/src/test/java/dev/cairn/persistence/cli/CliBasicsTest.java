package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Help, exit codes, one-line errors, and where the store comes from. */
class CliBasicsTest {
    @ParameterizedTest
    @ValueSource(strings = {"sessions", "replay", "tree", "stats", "export", "import", "verify", "gc", "vacuum"})
    void everyCommandHasHelpWithExitCodesAndTheStoreOption(String command) {
        Cli.Run r = new Cli().run(command, "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("Usage: cairn " + command), r::toString);
        assertTrue(r.out().contains("--store=LOCATION"), r::toString);
        assertTrue(r.out().contains("Exit codes:\n   0   ok\n   1   corruption found"), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void topLevelHelpVersionAndMissingCommand() {
        Cli.Run help = new Cli().run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Commands:\n  sessions"), help::toString);
        Cli.Run version = new Cli().run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("cairn "), version::toString);
        Cli.Run none = new Cli().run();
        assertEquals(2, none.code());
        assertEquals("cairn: Missing command: give one of sessions, replay, tree, stats, export, import, verify, gc, "
                + "vacuum (run 'cairn --help' for usage)\n", none.err());
    }

    @Test
    void usageErrorsAreOneLineOnStderr() {
        Cli.Run r = new Cli().run("replay", "demo", "--bogus");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().startsWith("cairn replay: Unknown option: '--bogus' (run 'cairn replay --help' for usage)"),
                r::toString);
        assertEquals(2, new Cli().run("frobnicate").code());
    }

    @Test
    void storeErrorsAreOneLineAndVerboseAddsTheStackTrace() {
        Cli.Run r = new Cli().run("sessions", "--store", "nosuch:x");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().startsWith("cairn sessions: No Cairn persistence provider for scheme 'nosuch'"), r::toString);
        Cli.Run bad = new Cli().run("sessions", "--store", "not a location");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("expected scheme:target"), bad::toString);
        Cli.Run verbose = new Cli().run("sessions", "--store", "nosuch:x", "--verbose");
        assertEquals(2, verbose.code());
        assertTrue(verbose.err().lines().count() > 3, verbose::toString);
        assertTrue(verbose.err().contains("\tat dev.cairn.persistence.SessionStores"), verbose::toString);
    }

    @Test
    void theStoreComesFromTheOptionThenCairnStoreThenTheDefault() {
        Cli.Run byDefault = new Cli().run("sessions");
        assertEquals(3, byDefault.code(), byDefault::toString);
        assertEquals("cairn sessions: No SQLite store at './.cairn-data'; pass --store sqlite:DIR of an existing store "
                + "or set $CAIRN_STORE\n", byDefault.err());
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(".cairn-data")), "a read creates no store");
        String store = Stores.populatedMemory();
        assertEquals(0, Cli.withStore(store).run("sessions").code());
        assertEquals(3, Cli.withStore(store).run("sessions", "--store", "sqlite:./no-such-dir").code());
        assertEquals(3, new Cli().env("CAIRN_STORE", "  ").run("sessions").code(), "a blank variable is ignored");
    }
}
