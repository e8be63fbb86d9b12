package dev.cairn.persistence.adk;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.tck.ForwardingRuntimePersistence;
import dev.cairn.persistence.tck.ForwardingSessionStoreFactory;

import java.util.concurrent.atomic.AtomicInteger;

/** A factory whose commits to sessions with an id prefix fail on demand: a crash between two commits, as the adapter sees it. */
final class FailingFactory extends ForwardingSessionStoreFactory {
    private final String prefix;
    private final AtomicInteger failures = new AtomicInteger();

    FailingFactory(SessionStoreFactory delegate, String prefix) {
        super(delegate);
        this.prefix = prefix;
    }

    void failNextCommits(int n) {
        failures.set(n);
    }

    int remaining() {
        return failures.get();
    }

    @Override
    protected RuntimePersistence wrap(RuntimePersistence store) {
        if (!store.sessionId().startsWith(prefix)) {
            return store;
        }
        return new ForwardingRuntimePersistence(store) {
            @Override
            public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
                if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new PersistenceException("simulated crash before this commit");
                }
                return super.commitRuntimeState(commit);
            }
        };
    }
}
