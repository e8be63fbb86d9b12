package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreClosedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rule 22: closing stores and factories. */
abstract class CloseRules extends KitRules {

    CloseRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    private Map<String, Call> storeCalls(RuntimePersistence s, SessionMeta meta) {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("loadSession", () -> s.loadSession(SessionReadScope.activePath()));
        calls.put("loadSession(fullGraph)", () -> s.loadSession(SessionReadScope.fullGraph()));
        calls.put("loadNode", () -> s.loadNode("n1"));
        calls.put("commitRuntimeState", () -> s.commitRuntimeState(RuntimeCommit.unconditional()
                .append(Fx.child("after-close", "n1")).build()));
        calls.put("saveSessionMeta", () -> {
            s.saveSessionMeta(meta.withName("after close"));
            return null;
        });
        calls.put("loadSessionMeta", s::loadSessionMeta);
        calls.put("tombstoneNodes", () -> s.tombstoneNodes(List.of("n1")));
        calls.put("loadBlob", () -> s.loadBlob(ContentHash.of(Fx.utf8("x"))));
        calls.put("gcUnreachable", s::gcUnreachable);
        calls.put("vacuum", s::vacuum);
        calls.put("durability", s::durability);
        return calls;
    }

    private void checkClosed(RuntimePersistence s, SessionMeta meta, String which) {
        storeCalls(s, meta).forEach((name, call) -> checkThrows(StoreClosedException.class, call,
                name + " on " + which));
    }

    @Test
    void rule22_closedStoreRefusesEveryCall() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        SessionMeta meta = s.loadSessionMeta().orElseThrow();
        s.close();
        checkClosed(s, meta, "a closed store");
        checkEquals(List.of("n1"), ids(open("s"), SessionReadScope.fullGraph()),
                "the session after a store was closed (closing a store keeps the session)");
    }

    @Test
    void rule22_closingAStoreTwiceIsHarmless() {
        RuntimePersistence s = open("s");
        s.close();
        must("the second close() of a store", () -> {
            s.close();
            return null;
        });
    }

    @Test
    void rule22_closingAStoreKeepsItsFactoryAndOtherStores() {
        RuntimePersistence s = open("s");
        RuntimePersistence other = open("s");
        RuntimePersistence t = open("t");
        chain(s, "n", 1);
        s.close();
        commit(other, RuntimeCommit.expecting(1).append(Fx.child("n2", "n1")).head("n2"));
        chain(t, "t", 1);
        must("listSessions after a store was closed", () -> factory().listSessions(SessionQuery.all()));
        commit(open("s"), RuntimeCommit.expecting(2).append(Fx.child("n3", "n2")).head("n3"));
    }

    @Test
    void rule22_closedFactoryRefusesEveryCall() {
        SessionStoreFactory f = factory();
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        f.close();
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("createStore", () -> f.createStore(SessionStoreCreateRequest.of("new")));
        calls.put("createStore of an existing session", () -> f.createStore(SessionStoreCreateRequest.of("s")));
        calls.put("openExisting", () -> f.openExisting("s"));
        calls.put("listSessions", () -> f.listSessions(SessionQuery.all()));
        calls.put("forkSession", () -> f.forkSession(ForkRequest.of("s", "n1", "fork")));
        calls.put("deleteSession", () -> f.deleteSession("s"));
        calls.put("durability", f::durability);
        calls.put("loadBlob", () -> f.loadBlob(ContentHash.of(Fx.utf8("x"))));
        calls.put("gcUnreachable", f::gcUnreachable);
        calls.put("vacuum", f::vacuum);
        calls.forEach((name, call) -> checkThrows(StoreClosedException.class, call, name + " on a closed factory"));
    }

    @Test
    void rule22_closingAFactoryTwiceIsHarmless() {
        SessionStoreFactory f = factory();
        f.close();
        must("the second close() of a factory", () -> {
            f.close();
            return null;
        });
    }

    @Test
    void rule22_closingTheFactoryClosesEveryStoreItMade() {
        SessionStoreFactory f = factory();
        RuntimePersistence created = open("s");
        chain(created, "n", 1);
        SessionMeta meta = created.loadSessionMeta().orElseThrow();
        RuntimePersistence existing = f.openExisting("s").orElseThrow();
        RuntimePersistence forked = must("forkSession", () -> f.forkSession(ForkRequest.of("s", "n1", "fork")));
        SessionMeta forkMeta = forked.loadSessionMeta().orElseThrow();
        f.close();
        checkClosed(created, meta, "a createStore store of a closed factory");
        checkClosed(existing, meta, "an openExisting store of a closed factory");
        checkClosed(forked, forkMeta, "a forkSession store of a closed factory");
        must("close() of a store whose factory was closed", () -> {
            created.close();
            return null;
        });
    }

    @Test
    void rule22_closedIsCheckedBeforeAnythingElse() {
        RuntimePersistence s = open("s");
        chain(s, "n", 2);
        s.close();
        checkThrows(StoreClosedException.class, () -> s.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(Fx.child("n1", "nowhere")).build()), "a stale, invalid commit on a closed store");
        RuntimePersistence t = open("t");
        t.close();
        factory().deleteSession("t");
        checkThrows(StoreClosedException.class, () -> t.commitRuntimeState(RuntimeCommit.unconditional().build()),
                "a commit on a closed store of a deleted session");
    }

    @Test
    void rule22_closedFactoryCanBeReplacedByANewOneOnTheLocation() {
        assumeSharedLocation("reopening a closed factory's location");
        RuntimePersistence s = open("s");
        chain(s, "n", 2);
        factory().close();
        SessionStoreFactory again = kit.openOnLocation();
        RuntimePersistence s2 = again.openExisting("s").orElseThrow(() -> failure("the session is gone after closing"
                + " the factory and opening a new one on its location", SpecRules.hint(12)));
        commit(s2, RuntimeCommit.expecting(2).append(Fx.child("n3", "n2")).head("n3"));
        checkThrows(StoreClosedException.class, () -> s.loadSession(SessionReadScope.activePath()),
                "loadSession on a store of the closed factory while a new factory is open");
    }
}
