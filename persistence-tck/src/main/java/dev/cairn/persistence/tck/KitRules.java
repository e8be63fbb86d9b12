package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StorePolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The base of the kit's test groups: access to the factory of the test, and checks whose failure
 * messages name the rule of the running test ({@code [rule N] ... If this fails, check ...}).
 */
abstract class KitRules {
    /** A call whose result or exception a check looks at. */
    @FunctionalInterface
    interface Call {
        Object run() throws Exception;
    }

    final RuntimePersistenceKit kit;

    KitRules(RuntimePersistenceKit kit) {
        this.kit = Objects.requireNonNull(kit, "kit");
    }

    // ------------------------------------------------------------------ factories and stores

    SessionStoreFactory factory() {
        return kit.factory();
    }

    RuntimePersistence open(String sessionId) {
        return factory().createStore(SessionStoreCreateRequest.of(sessionId));
    }

    RuntimePersistence open(String sessionId, StorePolicy policy) {
        return factory().createStore(SessionStoreCreateRequest.of(sessionId).withPolicy(policy));
    }

    void assumeSharedLocation(String what) {
        boolean shared = kit.capabilities().sharedLocation() && kit.location().isPresent();
        Assumptions.assumeTrue(shared, () -> "rule " + kit.currentRule() + ": " + what
                + " needs a location that several factories can open (sharedLocation() is empty)");
    }

    void assumeCrashSafe(String what) {
        KitCapabilities caps = kit.capabilities();
        Assumptions.assumeTrue(caps.crashSafe(), () -> "rule " + kit.currentRule() + ": " + what
                + " applies to PROCESS_CRASH_SAFE or POWER_LOSS_SAFE providers; this one declares " + caps.durability());
        assumeSharedLocation(what);
    }

    // ------------------------------------------------------------------ failures that name the rule

    int rule() {
        return kit.currentRule();
    }

    AssertionError failure(String what, String hint) {
        return new AssertionError(SpecRules.message(rule(), what, hint));
    }

    AssertionError failure(String what, String hint, Throwable cause) {
        return new AssertionError(SpecRules.message(rule(), what, hint), cause);
    }

    void check(boolean ok, String what) {
        check(ok, what, null);
    }

    void check(boolean ok, String what, String hint) {
        if (!ok) {
            throw failure(what, hint);
        }
    }

    void checkEquals(Object expected, Object actual, String what) {
        checkEquals(expected, actual, what, null);
    }

    void checkEquals(Object expected, Object actual, String what, String hint) {
        if (!Objects.equals(expected, actual)) {
            throw failure(what + ": expected <" + expected + "> but was <" + actual + ">", hint);
        }
    }

    void checkBytes(byte[] expected, Optional<byte[]> actual, String what, String hint) {
        if (actual.isEmpty()) {
            throw failure(what + ": expected " + expected.length + " bytes (" + ContentHash.of(expected)
                    + ") but got nothing", hint);
        }
        checkBytes(expected, actual.get(), what, hint);
    }

    void checkBytes(byte[] expected, byte[] actual, String what, String hint) {
        if (!Arrays.equals(expected, actual)) {
            int i = Arrays.mismatch(expected, actual);
            throw failure(what + ": expected " + expected.length + " bytes (" + ContentHash.of(expected) + ") but got "
                    + actual.length + " bytes (" + ContentHash.of(actual) + "), first difference at index " + i, hint);
        }
    }

    <T extends Throwable> T checkThrows(Class<T> type, Call call, String what) {
        return checkThrows(type, call, what, null);
    }

    <T extends Throwable> T checkThrows(Class<T> type, Call call, String what, String hint) {
        Object result;
        try {
            result = call.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw failure(what + ": expected " + type.getSimpleName() + " but got " + t, hint, t);
        }
        throw failure(what + ": expected " + type.getSimpleName() + " but the call returned normally"
                + (result == null ? "" : " with " + result), hint);
    }

    /**
     * @return element {@code i} of a list a store returned; a shorter list fails the test saying so,
     *     instead of an index exception from inside the kit
     */
    <T> T nth(List<T> list, int i, String what) {
        if (i < 0 || i >= list.size()) {
            throw failure(what + ": expected at least " + (i + 1) + " elements but the store returned " + list.size()
                    + ": " + list, null);
        }
        return list.get(i);
    }

    /** Runs a call that must succeed; a throw fails the test naming the rule and the step. */
    <T> T must(String step, java.util.concurrent.Callable<T> call) {
        try {
            return call.call();
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw failure(step + " threw " + e, null, e);
        }
    }

    // ------------------------------------------------------------------ snapshots

    Snapshot snapshot(RuntimePersistence store, ContentHash... watched) {
        return Snapshot.of(store, factory(), List.of(watched));
    }

    void checkUnchanged(Snapshot before, Snapshot after, String what) {
        before.diff(after).ifPresent(d -> {
            throw failure(what + " must leave the store exactly as it was (rule 1: a call that throws writes"
                    + " nothing), but " + d, "that the call validates everything before it writes, or rolls back");
        });
    }

    // ------------------------------------------------------------------ commits and reads that must work

    RuntimeCommitResult commit(RuntimePersistence store, RuntimeCommit commit) {
        return must("the valid commit " + commit + " of session '" + store.sessionId() + "'",
                () -> store.commitRuntimeState(commit));
    }

    RuntimeCommitResult commit(RuntimePersistence store, RuntimeCommit.Builder builder) {
        return commit(store, builder.build());
    }

    PersistedSessionRead read(RuntimePersistence store, SessionReadScope scope) {
        Optional<PersistedSessionRead> r = must("loadSession(" + scope + ") of session '" + store.sessionId() + "'",
                () -> store.loadSession(scope));
        if (r.isEmpty()) {
            throw failure("loadSession(" + scope + ") of the existing session '" + store.sessionId()
                    + "' returned empty", "that loadSession finds sessions that were created and not deleted");
        }
        return r.get();
    }

    PersistedSessionRead read(RuntimePersistence store) {
        return read(store, SessionReadScope.activePath());
    }

    long revision(RuntimePersistence store) {
        return read(store).head().revision();
    }

    List<String> ids(RuntimePersistence store, SessionReadScope scope) {
        return Fx.ids(read(store, scope).nodes());
    }

    /**
     * Commits a chain of {@code n} nodes, one per commit, each the head.
     *
     * @return the ids, root first
     */
    List<String> chain(RuntimePersistence store, String prefix, int n) {
        List<String> ids = new ArrayList<>();
        PersistedSessionRead r = read(store);
        long rev = r.head().revision();
        Optional<String> parent = r.head().nodeId();
        for (int i = 1; i <= n; i++) {
            String id = prefix + i;
            var node = parent.isPresent() ? Fx.child(id, parent.get()) : Fx.root(id);
            commit(store, RuntimeCommit.expecting(rev).append(node).head(id));
            rev++;
            parent = Optional.of(id);
            ids.add(id);
        }
        return ids;
    }
}
