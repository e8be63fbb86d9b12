package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.jdbc.Migrator;
import java.util.List;

/**
 * The schema, as forward migrations: the DDL of version {@code n} is the resource
 * {@code schema-vn.sql} next to this class (version 1, the base schema; version 2, per-session usage
 * totals, back-filled; version 3, a node's own checkpoint slots no longer copied into
 * {@code resolved_checkpoints}; version 4, small checkpoint slot values kept in their
 * {@code checkpoints} row; version 5, a node's first slot kept in its {@code nodes} row, {@code checkpoints}
 * a view of those and {@code checkpoint_rows}), read by the engine's {@link Migrator#steps}. Version {@code n} is reached by
 * running the steps of versions 1 to {@code n} in order, each in its own transaction that also sets
 * {@code PRAGMA user_version}; see {@link Migrations}. A step never changes once released: a new
 * change is a new version.
 */
final class Schema {
    /** The newest version this code knows, and the one it migrates every database to. */
    static final int CURRENT_VERSION = 5;

    /** {@code PRAGMA application_id} of a Cairn database: "Carn". */
    static final int APPLICATION_ID = 0x4361726E;

    /** The steps, index {@code i} taking the schema from version {@code i} to {@code i + 1}. */
    static final List<List<String>> STEPS =
            Migrator.steps(name -> Schema.class.getResourceAsStream(name), CURRENT_VERSION);

    private Schema() {
    }
}
