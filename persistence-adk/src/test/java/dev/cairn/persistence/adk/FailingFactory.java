package dev.cairn.persistence.adk;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.VacuumReport;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A factory whose commits to sessions with an id prefix fail on demand: a crash between two commits, as the adapter sees it. */
final class FailingFactory implements SessionStoreFactory {
    private final SessionStoreFactory delegate;
    private final String prefix;
    private final AtomicInteger failures = new AtomicInteger();

    FailingFactory(SessionStoreFactory delegate, String prefix) {
        this.delegate = delegate;
        this.prefix = prefix;
    }

    void failNextCommits(int n) {
        failures.set(n);
    }

    int remaining() {
        return failures.get();
    }

    private RuntimePersistence wrap(RuntimePersistence s) {
        return s.sessionId().startsWith(prefix) ? new Failing(s) : s;
    }

    @Override
    public RuntimePersistence createStore(SessionStoreCreateRequest request) {
        return wrap(delegate.createStore(request));
    }

    @Override
    public Optional<RuntimePersistence> openExisting(String sessionId) {
        return delegate.openExisting(sessionId).map(this::wrap);
    }

    @Override
    public SessionPage listSessions(SessionQuery query) {
        return delegate.listSessions(query);
    }

    @Override
    public RuntimePersistence forkSession(ForkRequest request) {
        return wrap(delegate.forkSession(request));
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return delegate.deleteSession(sessionId);
    }

    @Override
    public Optional<byte[]> loadBlob(dev.cairn.persistence.ContentHash hash) {
        return delegate.loadBlob(hash);
    }

    @Override
    public GcReport gcUnreachable() {
        return delegate.gcUnreachable();
    }

    @Override
    public VacuumReport vacuum() {
        return delegate.vacuum();
    }

    @Override
    public Durability durability() {
        return delegate.durability();
    }

    @Override
    public void close() {
        // the test closes the real factory
    }

    private final class Failing implements RuntimePersistence {
        private final RuntimePersistence s;

        Failing(RuntimePersistence s) {
            this.s = s;
        }

        @Override
        public String sessionId() {
            return s.sessionId();
        }

        @Override
        public Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
            return s.loadSession(scope);
        }

        @Override
        public Optional<SessionNode> loadNode(String nodeId) {
            return s.loadNode(nodeId);
        }

        @Override
        public RuntimeCommitResult commitRuntimeState(RuntimeCommit commit) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new PersistenceException("simulated crash before this commit");
            }
            return s.commitRuntimeState(commit);
        }

        @Override
        public void saveSessionMeta(SessionMeta meta) {
            s.saveSessionMeta(meta);
        }

        @Override
        public Optional<SessionMeta> loadSessionMeta() {
            return s.loadSessionMeta();
        }

        @Override
        public int tombstoneNodes(Collection<String> nodeIds) {
            return s.tombstoneNodes(nodeIds);
        }

        @Override
        public Optional<byte[]> loadBlob(ContentHash hash) {
            return s.loadBlob(hash);
        }

        @Override
        public GcReport gcUnreachable() {
            return s.gcUnreachable();
        }

        @Override
        public VacuumReport vacuum() {
            return s.vacuum();
        }

        @Override
        public Durability durability() {
            return s.durability();
        }

        @Override
        public void close() {
            s.close();
        }
    }
}
