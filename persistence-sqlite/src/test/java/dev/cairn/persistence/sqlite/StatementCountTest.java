package dev.cairn.persistence.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Counts the statements the writer runs for each kind of commit (transaction control included),
 * through a wrapper of the writer's connection, so a change that adds statements to a commit shows
 * here and cannot creep in unnoticed: on SQLite a statement is no round trip, but each one is a
 * step through the driver and the VM, and a write can dirty pages (issue 17, item 4: a turn with a
 * small checkpoint slot at the head it appends cost about twice a bare commit). The ceilings are
 * the counts of issue 17's fifth pass (third pass: 7 statements, 3 writes for the slot commit; before
 * it 8 and 5): a commit that sets every slot its path has writes no inherited row, and the head it
 * appends is inserted pointing at its own checkpoint with its first slot in the same row, so a slot
 * commit writes no more rows than a bare one.
 */
class StatementCountTest {
    /** Per operation: {most statements, most of them that write (INSERT, UPDATE, DELETE)}. */
    private static final Map<String, int[]> CEILINGS = Map.of(
            // BEGIN, compare-and-set, parent lookup, node insert, COMMIT
            "commit: one node", new int[] {5, 2},
            // + the parent's checkpoint read (nothing inherited to copy); the insert points the head at
            // itself and carries the slot in the row, so no ck_nid update and no slot statement
            "commit: a node with a small slot at the head it appends", new int[] {6, 2},
            // + the inherited slot's row
            "commit: a slot at the appended head, another slot inherited", new int[] {7, 3},
            // + key lookup, usage row, two totals, key row (and the other slot, inherited)
            "commit: a turn (node, head, slot, usage, key)", new int[] {12, 7},
            // a second slot set at the head it appends: the first in the row, the second through the view
            "commit: two slots at the head it appends", new int[] {7, 3});

    /** What the wrapped writer ran since the last {@link #take()}. */
    private static final class Counter {
        private final List<String> statements = new ArrayList<>();

        synchronized void ran(String sql) {
            statements.add(sql);
        }

        synchronized List<String> take() {
            List<String> out = new ArrayList<>(statements);
            statements.clear();
            return out;
        }
    }

    @Test
    void eachCommitRunsNoMoreStatementsThanItsCeiling() {
        Path dir = TestDirs.fresh("statements");
        Counter counter = new Counter();
        Database.wrapWriterForTest(dir, c -> counting(c, counter));
        Map<String, List<String>> ran = new LinkedHashMap<>();
        try (SqliteSessionStoreFactory f = new SqliteSessionStoreFactory(dir)) {
            RuntimePersistence store = f.createStore(SessionStoreCreateRequest.of("s"));
            long[] revision = {0};
            String[] head = {null};
            IntFunction<RuntimeCommit.Builder> next = i -> {
                String id = "n" + i;
                RuntimeCommit.Builder b = RuntimeCommit.expecting(revision[0])
                        .append(head[0] == null ? NewNode.root(id, NodeKind.USER_INPUT, payload(i))
                                : NewNode.child(id, head[0], NodeKind.USER_INPUT, payload(i)))
                        .head(id);
                head[0] = id;
                return b;
            };
            int i = 0;
            for (; i < 3; i++) {
                revision[0] = store.commitRuntimeState(next.apply(i).build()).revision();
            }
            ran.put("commit: one node", run(counter, store, revision, next.apply(i++)));
            // the first slot of the path (nothing resolved at the parent), then one at a head whose parent has it
            run(counter, store, revision, next.apply(i++).checkpoint("state", ("state " + i).getBytes()));
            ran.put("commit: a node with a small slot at the head it appends",
                    run(counter, store, revision, next.apply(i++).checkpoint("state", ("state " + i).getBytes())));
            run(counter, store, revision, next.apply(i++).checkpoint("other", "other".getBytes()));
            ran.put("commit: a slot at the appended head, another slot inherited",
                    run(counter, store, revision, next.apply(i++).checkpoint("state", ("state " + i).getBytes())));
            ran.put("commit: two slots at the head it appends", run(counter, store, revision,
                    next.apply(i++).checkpoint("state", ("state " + i).getBytes()).checkpoint("other", "other 2".getBytes())));
            String id = "n" + i;
            ran.put("commit: a turn (node, head, slot, usage, key)", run(counter, store, revision,
                    next.apply(i++).checkpoint("state", ("state " + i).getBytes())
                            .usage(id, "model-a", new TokenUsage(100, 20, 0, 0)).idempotencyKey("turn-" + i)));
            assertEquals(2, store.loadSession(SessionReadScope.activePathTail(1)).orElseThrow()
                    .checkpoint().slots().size(), "the head resolves both slots");
        } finally {
            Database.wrapWriterForTest(dir, null);
        }
        StringBuilder report = new StringBuilder();
        ran.forEach((op, statements) -> report.append(op).append(": ").append(statements.size()).append(" statements, ")
                .append(writes(statements)).append(" writes ").append(statements).append('\n'));
        for (Map.Entry<String, List<String>> e : ran.entrySet()) {
            int[] ceiling = CEILINGS.get(e.getKey());
            assertTrue(e.getValue().size() <= ceiling[0] && writes(e.getValue()) <= ceiling[1],
                    e.getKey() + " is over its ceiling of " + ceiling[0] + " statements, " + ceiling[1] + " writes:\n" + report);
        }
    }

    private static List<String> run(Counter counter, RuntimePersistence store, long[] revision, RuntimeCommit.Builder b) {
        counter.take();
        revision[0] = store.commitRuntimeState(b.build()).revision();
        return counter.take();
    }

    private static long writes(List<String> statements) {
        return statements.stream().map(s -> s.stripLeading().toUpperCase(Locale.ROOT))
                .filter(s -> s.startsWith("INSERT") || s.startsWith("UPDATE") || s.startsWith("DELETE")).count();
    }

    private static byte[] payload(int i) {
        return ("{\"text\":\"message " + i + "\"}").getBytes();
    }

    /** The connection, with every statement it prepares or creates reporting each run to the counter. */
    private static Connection counting(Connection real, Counter counter) {
        return proxy(Connection.class, real, (method, args, result) -> {
            if (result instanceof PreparedStatement ps && method.startsWith("prepare")) {
                String sql = (String) args[0];
                return proxy(PreparedStatement.class, ps, (m, a, r) -> {
                    if (m.startsWith("execute")) {
                        counter.ran(sql);
                    }
                    return r;
                }, true);
            }
            if (result instanceof Statement s && method.equals("createStatement")) {
                return proxy(Statement.class, s, (m, a, r) -> {
                    if (m.startsWith("execute")) {
                        counter.ran((String) a[0]);
                    }
                    return r;
                }, true);
            }
            return result;
        }, false);
    }

    private interface After {
        Object apply(String method, Object[] args, Object result) throws Exception;
    }

    /** A proxy that calls the real object, then {@code after}, the "before" when {@code countFirst} (a failing run counts too). */
    private static <T> T proxy(Class<T> type, T real, After after, boolean countFirst) {
        InvocationHandler h = (self, method, args) -> {
            if (countFirst && method.getName().startsWith("execute")) {
                after.apply(method.getName(), args, null);
            }
            Object result;
            try {
                result = method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return countFirst ? result : after.apply(method.getName(), args, result);
        };
        return type.cast(Proxy.newProxyInstance(StatementCountTest.class.getClassLoader(), new Class<?>[] {type}, h));
    }
}
