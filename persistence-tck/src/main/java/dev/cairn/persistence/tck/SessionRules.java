package dev.cairn.persistence.tck;

import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StorePolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rule 18: sessions, metadata and ids. */
abstract class SessionRules extends KitRules {

    SessionRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    private static SessionStoreCreateRequest seeded(String id) {
        return SessionStoreCreateRequest.of(id).withName("first name").withModel("model-a").withCwd("/work/a")
                .withAttributes(Map.of("team", "red", "env", "prod"));
    }

    @Test
    void rule18_createStoreSeedsTheMetadataOfANewSession() {
        RuntimePersistence s = factory().createStore(seeded("s").withParent("p"));
        SessionMeta m = s.loadSessionMeta().orElseThrow(() -> failure("loadSessionMeta of a new session is empty", null));
        checkEquals("s", m.sessionId(), "sessionId");
        checkEquals("first name", m.name(), "name");
        checkEquals("model-a", m.model(), "model");
        checkEquals("/work/a", m.cwd(), "cwd");
        checkEquals(Optional.of("p"), m.parentSessionId(), "parentSessionId");
        checkEquals(Map.of("team", "red", "env", "prod"), m.attributes(), "attributes");
        checkEquals(m, read(s).meta(), "meta of loadSession and of loadSessionMeta");
        checkEquals("s", s.sessionId(), "sessionId() of the store");
    }

    @Test
    void rule18_createStoreNeverOverwritesMetadata() {
        RuntimePersistence s = factory().createStore(seeded("s"));
        chain(s, "n", 2);
        SessionMeta before = s.loadSessionMeta().orElseThrow();
        RuntimePersistence again = factory().createStore(SessionStoreCreateRequest.of("s").withName("other")
                .withModel("model-b").withCwd("/elsewhere").withParent("q").withAttributes(Map.of("team", "blue")));
        checkEquals(before, again.loadSessionMeta().orElse(null), "metadata after a second createStore with other seeds");
        checkEquals(before, s.loadSessionMeta().orElse(null), "metadata seen by the first handle");
        checkEquals(List.of("n1", "n2"), ids(again, SessionReadScope.activePath()), "nodes seen by the second handle");
    }

    @Test
    void rule18_invalidSessionIdsAreRefusedEverywhere() {
        RuntimePersistence s = factory().createStore(seeded("s"));
        chain(s, "n", 1);
        Snapshot before = snapshot(s);
        for (String[] bad : Fx.badIds()) {
            String id = bad[0];
            String label = bad[1];
            checkThrows(InvalidRequestException.class, () -> factory().createStore(SessionStoreCreateRequest.of(id)),
                    "createStore with session id " + label);
            checkThrows(InvalidRequestException.class, () -> factory().openExisting(id),
                    "openExisting with session id " + label);
            checkThrows(InvalidRequestException.class, () -> factory().deleteSession(id),
                    "deleteSession with session id " + label);
            checkThrows(InvalidRequestException.class, () -> factory().forkSession(ForkRequest.of("s", "n1", id)),
                    "forkSession to session id " + label);
            checkThrows(InvalidRequestException.class, () -> factory().listSessions(SessionQuery.all().withParent(id)),
                    "listSessions with parent " + label);
        }
        checkUnchanged(before, snapshot(s), "calls with invalid session ids");
    }

    @Test
    void rule18_invalidNodeIdsAreRefusedEverywhere() {
        RuntimePersistence s = open("s");
        chain(s, "n", 2);
        commit(s, RuntimeCommit.expecting(2).append(Fx.child("side", "n1")));
        Snapshot before = snapshot(s);
        for (String[] bad : Fx.badIds()) {
            String id = bad[0];
            String label = bad[1];
            checkThrows(InvalidRequestException.class, () -> s.tombstoneNodes(List.of("side", id)),
                    "tombstoneNodes([side, " + label + "])");
            checkThrows(InvalidRequestException.class, () -> s.loadSession(SessionReadScope.activePathTo(id)),
                    "activePathTo with leaf " + label);
        }
        checkUnchanged(before, snapshot(s), "calls with invalid node ids");
    }

    @Test
    void rule18_loadNodeRefusesAnInvalidId() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        for (String[] bad : Fx.badIds()) {
            checkThrows(InvalidRequestException.class, () -> s.loadNode(bad[0]), "loadNode with node id " + bad[1],
                    "that loadNode checks the id with Ids: the spec's Definitions say that every identifier follows"
                            + " one rule and that breaking it is an InvalidRequestException (openExisting does the same"
                            + " for session ids)");
        }
    }

    @Test
    void rule18_longAndUnusualValidIdsAreAccepted() {
        for (String id : List.of(Fx.idOfLength(128), "a", "...", "A.b_c:d@e-f", "0", "-", "user@example.com:run-1")) {
            RuntimePersistence s = factory().createStore(SessionStoreCreateRequest.of(id));
            commit(s, RuntimeCommit.expecting(0).append(Fx.root(id)).head(id));
            checkEquals(List.of(id), ids(s, SessionReadScope.activePath()), "path of session '" + id + "'");
            check(factory().openExisting(id).isPresent(), "openExisting('" + id + "') after createStore is empty");
        }
    }

    @Test
    void rule18_saveSessionMetaReplacesNameModelCwdAndAttributes() {
        RuntimePersistence s = factory().createStore(seeded("s").withParent("p"));
        SessionMeta m = s.loadSessionMeta().orElseThrow();
        SessionMeta changed = new SessionMeta("s", "second name", "model-b", "/work/b", m.parentSessionId(), m.createdAt(),
                Map.of("team", "blue"));
        must("saveSessionMeta", () -> {
            s.saveSessionMeta(changed);
            return null;
        });
        checkEquals(changed, s.loadSessionMeta().orElse(null), "metadata after saveSessionMeta");
        checkEquals(changed, open("s").loadSessionMeta().orElse(null), "metadata seen by another handle");
        checkEquals(changed, read(s).meta(), "meta of loadSession after saveSessionMeta");
    }

    @Test
    void rule18_saveSessionMetaCannotChangeIdParentOrCreationTime() {
        RuntimePersistence s = factory().createStore(seeded("s").withParent("p"));
        open("other");
        SessionMeta m = s.loadSessionMeta().orElseThrow();
        Snapshot before = snapshot(s);
        List<SessionMeta> bad = List.of(
                new SessionMeta("other", m.name(), m.model(), m.cwd(), m.parentSessionId(), m.createdAt(), m.attributes()),
                new SessionMeta("s", m.name(), m.model(), m.cwd(), Optional.of("q"), m.createdAt(), m.attributes()),
                new SessionMeta("s", m.name(), m.model(), m.cwd(), Optional.empty(), m.createdAt(), m.attributes()),
                new SessionMeta("s", m.name(), m.model(), m.cwd(), m.parentSessionId(), m.createdAt().plusSeconds(1),
                        m.attributes()),
                new SessionMeta("s", m.name(), m.model(), m.cwd(), m.parentSessionId(), Instant.EPOCH, m.attributes()));
        for (SessionMeta meta : bad) {
            checkThrows(InvalidRequestException.class, () -> {
                s.saveSessionMeta(meta.withName("should not be saved"));
                return null;
            }, "saveSessionMeta changing id, parent or creation time: " + meta);
            checkUnchanged(before, snapshot(s), "a refused saveSessionMeta");
        }
    }

    @Test
    void rule18_openExistingOfAnUnknownSessionIsEmptyAndCreatesNothing() {
        check(factory().openExisting("nobody").isEmpty(), "openExisting of an unknown session returned a store");
        checkEquals(List.of(), Snapshot.catalogue(factory()), "listSessions after openExisting of an unknown session");
        RuntimePersistence s = open("s");
        check(factory().openExisting("s").isPresent(), "openExisting of a session createStore made is empty");
        check(s.loadSession(SessionReadScope.activePath()).isPresent(), "loadSession of a new session is empty");
    }

    @Test
    void rule18_createStoreOfAnExistingSessionReturnsItsData() {
        RuntimePersistence s = open("s", new StorePolicy(100, 100));
        chain(s, "n", 3);
        RuntimePersistence again = open("s");
        checkEquals(Snapshot.render(read(s, SessionReadScope.fullGraphWithTombstones())),
                Snapshot.render(read(again, SessionReadScope.fullGraphWithTombstones())), "the session through a new handle");
    }
}
