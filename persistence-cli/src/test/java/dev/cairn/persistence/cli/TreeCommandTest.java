package dev.cairn.persistence.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TreeCommandTest {
    private final String store = Stores.populatedMemory();

    @Test
    void drawsBranchesWithHeadAndTombstonesMarked() {
        Cli.Run r = Cli.withStore(store).run("tree", "demo");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                Session demo: 6 live nodes, 2 tombstoned, 2 branches; head a2 at revision 5
                #1 u1 user_input
                ├── #2 a1 assistant_response
                │   ├── #3 c1 tool_call
                │   │   #4 r1 tool_result
                │   │   #5 a2 assistant_response [head]
                │   └── #6 u2b user_input [tombstoned]
                │       #7 a2b assistant_response [tombstoned]
                └── #8 x1 user_input
                """, r.out());
    }

    @Test
    void dimsTombstonesOnlyOnATerminal() {
        assertFalse(Cli.withStore(store).run("tree", "demo").out().contains("\u001b["));
        String tty = Cli.withStore(store).terminal(true).run("tree", "demo").out();
        assertTrue(tty.contains("\u001b[2m#6 u2b user_input [tombstoned]\u001b[0m"), tty);
        assertTrue(tty.contains("\u001b[1m#5 a2 assistant_response [head]\u001b[0m"), tty);
        assertFalse(Cli.withStore(store).terminal(true).env("NO_COLOR", "1").run("tree", "demo").out()
                .contains("\u001b["));
        assertFalse(Cli.withStore(store).terminal(true).run("tree", "demo", "--color", "never").out()
                .contains("\u001b["));
        assertTrue(Cli.withStore(store).run("tree", "demo", "--color", "always").out().contains("\u001b[2m"));
    }

    @Test
    void forkAndEmptySession() {
        assertEquals("""
                Session fork-1: 2 live nodes, 0 tombstoned, 1 branch; head a1 at revision 0
                #1 u1 user_input
                #2 a1 assistant_response [head]
                """, Cli.withStore(store).run("tree", "fork-1").out());
        assertEquals("""
                Session empty: 0 live nodes, 0 tombstoned, 0 branches; head (none) at revision 0
                (no nodes)
                """, Cli.withStore(store).run("tree", "empty").out());
    }
}
