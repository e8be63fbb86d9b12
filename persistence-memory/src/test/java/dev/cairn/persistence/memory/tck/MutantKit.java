package dev.cairn.persistence.memory.tck;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.memory.MemorySessionStoreFactory;
import dev.cairn.persistence.tck.RuntimePersistenceKit;

/**
 * The kit against a memory factory wrapped by a deliberately broken store (a mutant). The kit must
 * fail, and name the rule the mutant breaks. Not run by surefire directly (the name does not end in
 * Test); {@link MutantsAreCaughtTest} runs each subclass through the JUnit Platform Launcher.
 */
abstract class MutantKit extends RuntimePersistenceKit {
    private final int rule;
    private final String breaks;

    MutantKit(int rule, String breaks) {
        this.rule = rule;
        this.breaks = breaks;
    }

    /** @return the SPEC rule the mutant breaks, which a failure message must name */
    int rule() {
        return rule;
    }

    /** @return what the mutant does wrong */
    String breaks() {
        return breaks;
    }

    @Override
    protected final SessionStoreFactory newFactory() {
        return broken(new MemorySessionStoreFactory());
    }

    /**
     * @param memory a correct memory factory
     * @return the broken factory around it
     */
    abstract SessionStoreFactory broken(SessionStoreFactory memory);
}
