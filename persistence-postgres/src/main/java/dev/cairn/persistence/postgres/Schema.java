package dev.cairn.persistence.postgres;

import dev.cairn.persistence.jdbc.Migrator;
import java.util.List;

/**
 * The schema, as forward migrations: the DDL of version {@code n} is the resource
 * {@code schema-vn.sql} next to this class (version 1, the base schema: the SQLite provider's
 * version 2 in PostgreSQL types; version 2, a node's own checkpoint slots no longer copied into
 * {@code resolved_checkpoints}: the SQLite provider's version 3; version 3, small slot values in their row: its version 4; version 4, the function {@code commit_turn} of the engine's {@code OneCallCommit}; version 5, that function with less work per turn), read by {@link Migrator#steps}. Version {@code n} is
 * reached by running the steps of versions 1 to {@code n} in order, in one transaction under an
 * advisory lock, each recorded as a row of {@value #HISTORY_TABLE}; see {@link Migrations}. A step
 * never changes once released: a new change is a new version. Every table lives in the store's
 * PostgreSQL schema: {@code ~} in a statement stands for the quoted schema name and a dot
 * ({@link Database#qualify}).
 */
final class Schema {
    /** The newest version this code knows, and the one it migrates every store to. */
    static final int CURRENT_VERSION = 5;

    /** The table that records which versions were applied; its presence marks a Cairn schema. */
    static final String HISTORY_TABLE = "cairn_schema_history";

    /** The steps, index {@code i} taking the schema from version {@code i} to {@code i + 1}. */
    static final List<List<String>> STEPS =
            Migrator.steps(name -> Schema.class.getResourceAsStream(name), CURRENT_VERSION);

    /** Every table of a store, for maintenance and for tests. */
    static final List<String> TABLES = List.of("sessions", "session_attributes", "nodes", "attachments",
            "checkpoints", "resolved_checkpoints", "blobs", "usage", "usage_totals", "idempotency_keys", HISTORY_TABLE);

    private Schema() {
    }
}
