package dev.cairn.persistence.bench;

import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A factory on a fresh location that holds a preloaded session.
 *
 * <p>For SQLite the preload is done once per trial, into a template directory opened with
 * {@code durability=process-crash} (so even the {@code power-loss} target preloads at full speed:
 * the durability is a connection setting, not a property of the file), and then closed, which
 * checkpoints the WAL. {@link #open()} copies the template into a new directory and opens it with
 * the target's location, so every iteration starts from the same database in a fresh directory.
 * For PostgreSQL the preload goes once per trial into a template database (schema
 * {@value Postgres#TEMPLATE_SCHEMA}, opened with {@code durability=process-crash} for the same
 * reason), followed, for a large preload only ({@value #ANALYZE_FROM} nodes or more, or any other
 * preload), by {@code VACUUM (ANALYZE)}; {@link #open()} copies it with
 * {@code CREATE DATABASE ... TEMPLATE} and {@link #closeFactory()} drops the copy.
 *
 * <p>Why not after a small preload: statistics taken on nearly empty tables make PostgreSQL cache
 * generic plans for the commit's statements that suit empty tables and slow down as the iteration's
 * commits fill them (measured: from 1,300 down to 300 commits/s over 6,000 commits, against a flat
 * rate without the statistics). A new store has no statistics until autovacuum's first analyze, so
 * a small template is left as a new store would be.
 * For memory, {@link #open()} preloads a new factory, which takes milliseconds.
 */
public final class SessionFixture implements AutoCloseable {
    /** The smallest session preload after which a PostgreSQL template is analyzed. */
    static final int ANALYZE_FROM = 1_000;

    private final Target target;
    private final Consumer<SessionStoreFactory> preload;
    private final Path template;
    private final String templateDatabase;
    private SessionStoreFactory factory;
    private Path dir;
    private String database;

    private SessionFixture(Target target, Consumer<SessionStoreFactory> preload, Path template,
                           String templateDatabase) {
        this.target = target;
        this.preload = preload;
        this.template = template;
        this.templateDatabase = templateDatabase;
    }

    /**
     * Prepares a fixture; for SQLite, builds the template now.
     *
     * @param target the store under test
     * @param preload what to put in a new factory
     * @return the fixture
     */
    public static SessionFixture prepare(Target target, Consumer<SessionStoreFactory> preload) {
        return prepare(target, preload, true);
    }

    private static SessionFixture prepare(Target target, Consumer<SessionStoreFactory> preload, boolean analyze) {
        Path template = null;
        String templateDatabase = null;
        if (target.isSqlite()) {
            template = Dirs.fresh("template");
            try (SessionStoreFactory f = Target.SQLITE_PROCESS_CRASH.open(template)) {
                preload.accept(f);
            }
        } else if (target.isPostgres()) {
            templateDatabase = Postgres.createDatabase();
            try {
                try (SessionStoreFactory f = SessionStores.open(Postgres.location(templateDatabase,
                        Postgres.TEMPLATE_SCHEMA, Target.POSTGRES_PROCESS_CRASH.durability()))) {
                    preload.accept(f);
                }
                if (analyze) {
                    Postgres.vacuumAnalyze(templateDatabase);
                }
            } catch (RuntimeException e) {
                Postgres.dropDatabase(templateDatabase);
                throw e;
            }
        }
        return new SessionFixture(target, preload, template, templateDatabase);
    }

    /**
     * A fixture whose factory holds the session {@link Workload#SESSION} with {@code nodes} nodes in
     * one chain, the head on the last.
     *
     * @param target the store under test
     * @param nodes how many nodes
     * @return the fixture
     */
    public static SessionFixture session(Target target, int nodes) {
        return prepare(target, f -> {
            try (RuntimePersistence s = Workload.createSession(f, Workload.SESSION)) {
                new Workload.Chain(s, null, 0, "p").preload(nodes);
            }
        }, nodes >= ANALYZE_FROM);
    }

    /**
     * Opens a factory with the preloaded content, closing the one opened before.
     *
     * @return the factory
     */
    public SessionStoreFactory open() {
        closeFactory();
        if (target.isSqlite()) {
            dir = Dirs.copy(template, "run");
            factory = target.open(dir);
        } else if (target.isPostgres()) {
            database = Postgres.copyDatabase(templateDatabase);
            factory = SessionStores.open(Postgres.location(database, Postgres.TEMPLATE_SCHEMA, target.durability()));
        } else {
            factory = target.open(null);
            preload.accept(factory);
        }
        return factory;
    }

    /** @return the open factory */
    public SessionStoreFactory factory() {
        return factory;
    }

    /** @return the database of the open factory (PostgreSQL; its store is schema {@link Postgres#TEMPLATE_SCHEMA}), or null */
    public String database() {
        return database;
    }

    /** @return the directory of the open factory (SQLite), or null (memory, PostgreSQL) */
    public Path dir() {
        return dir;
    }

    /**
     * Opens the preloaded session {@link Workload#SESSION} on the open factory.
     *
     * @param idPrefix the prefix for new node ids
     * @return the session as a chain
     */
    public Workload.Chain chain(String idPrefix) {
        return Workload.Chain.resume(factory.openExisting(Workload.SESSION).orElseThrow(), idPrefix);
    }

    /** Closes the open factory and deletes its directory (PostgreSQL: drops its database). */
    public void closeFactory() {
        if (factory != null) {
            factory.close();
            factory = null;
        }
        Dirs.delete(dir);
        dir = null;
        Postgres.dropDatabase(database);
        database = null;
    }

    /** Closes the factory and deletes every directory (PostgreSQL: drops every database). */
    @Override
    public void close() {
        closeFactory();
        Dirs.delete(template);
        Postgres.dropDatabase(templateDatabase);
    }
}
