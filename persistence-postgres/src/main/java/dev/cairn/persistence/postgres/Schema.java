package dev.cairn.persistence.postgres;

import dev.cairn.persistence.jdbc.Codec;
import java.util.List;

/**
 * The schema, as forward migrations. Version {@code n} is reached by running the steps of versions 1
 * to {@code n} in order, in one transaction under an advisory lock, each recorded as a row of
 * {@code cairn_schema_history}; see {@link Migrations}. A step never changes once released: a new
 * change is a new version.
 *
 * <p>Every table lives in the store's PostgreSQL schema: {@code ~} in a statement stands for the
 * quoted schema name and a dot ({@link Database#qualify}). Time columns hold nanoseconds since the
 * epoch (exact, like the SQLite provider's); hashes are 32-byte SHA-256 digests; {@code codec}
 * columns say how bytes are stored ({@link Codec#RAW} or {@link Codec#ZSTD}). Ids are
 * {@code COLLATE "C"}: byte order, which for ids (ASCII) is Java's {@code String} order, so the
 * catalogue pages exactly as the other providers do whatever the database's default collation.
 */
final class Schema {
    /** The newest version this code knows, and the one it migrates every store to. */
    static final int CURRENT_VERSION = 2;

    /** The table that records which versions were applied; its presence marks a Cairn schema. */
    static final String HISTORY_TABLE = "cairn_schema_history";

    /**
     * Version 1: the base schema, the SQLite provider's version 2 in PostgreSQL types.
     *
     * <p>{@code sessions.sid} and {@code nodes.nid} are identity keys, never reused. Parent pointers and
     * the checkpoint pointer {@code ck_nid} are {@code nid}s, so walking a path is one primary-key
     * lookup per node. {@code blobs} is keyed by hash for the whole database: every session shares one
     * copy of each content. See the SQLite provider's {@code Schema} for the role of each table.
     */
    static final List<String> V1 = List.of(
            "CREATE TABLE ~" + HISTORY_TABLE + " ("
                    + " version INTEGER PRIMARY KEY,"
                    + " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            "CREATE TABLE ~sessions ("
                    + " sid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " session_id TEXT COLLATE \"C\" NOT NULL UNIQUE,"
                    + " parent_session_id TEXT COLLATE \"C\","
                    + " name TEXT NOT NULL,"
                    + " model TEXT NOT NULL,"
                    + " cwd TEXT NOT NULL,"
                    + " created_at BIGINT NOT NULL,"
                    + " revision BIGINT NOT NULL DEFAULT 0,"
                    + " head_node_id TEXT COLLATE \"C\","
                    + " last_seq BIGINT NOT NULL DEFAULT 0)",
            "CREATE INDEX sessions_by_created ON ~sessions (created_at, session_id)",
            "CREATE INDEX sessions_by_parent ON ~sessions (parent_session_id, created_at, session_id)",
            "CREATE TABLE ~session_attributes ("
                    + " sid BIGINT NOT NULL,"
                    + " key TEXT COLLATE \"C\" NOT NULL,"
                    + " value TEXT NOT NULL,"
                    + " PRIMARY KEY (sid, key))",
            "CREATE TABLE ~nodes ("
                    + " nid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " sid BIGINT NOT NULL,"
                    + " node_id TEXT COLLATE \"C\" NOT NULL,"
                    + " parent_nid BIGINT,"
                    + " seq BIGINT NOT NULL,"
                    + " kind TEXT NOT NULL,"
                    + " codec SMALLINT NOT NULL,"
                    + " payload BYTEA NOT NULL,"
                    + " payload_size INTEGER NOT NULL,"
                    + " payload_hash BYTEA NOT NULL,"
                    + " attachments BYTEA,"
                    + " created_at BIGINT NOT NULL,"
                    + " state SMALLINT NOT NULL DEFAULT 0,"
                    + " ck_nid BIGINT,"
                    + " UNIQUE (sid, node_id))",
            "CREATE INDEX nodes_by_parent ON ~nodes (parent_nid)",
            "CREATE INDEX nodes_tombstoned ON ~nodes (nid) WHERE state = 1",
            "CREATE INDEX nodes_detached ON ~nodes (nid) WHERE state = 2",
            "CREATE TABLE ~attachments ("
                    + " nid BIGINT NOT NULL,"
                    + " pos INTEGER NOT NULL,"
                    + " hash BYTEA NOT NULL,"
                    + " PRIMARY KEY (nid, pos))",
            "CREATE INDEX attachments_by_hash ON ~attachments (hash)",
            "CREATE TABLE ~checkpoints ("
                    + " nid BIGINT NOT NULL,"
                    + " slot TEXT COLLATE \"C\" NOT NULL,"
                    + " hash BYTEA NOT NULL,"
                    + " size BIGINT NOT NULL,"
                    + " PRIMARY KEY (nid, slot))",
            "CREATE INDEX checkpoints_by_hash ON ~checkpoints (hash)",
            "CREATE TABLE ~resolved_checkpoints ("
                    + " nid BIGINT NOT NULL,"
                    + " slot TEXT COLLATE \"C\" NOT NULL,"
                    + " node_id TEXT COLLATE \"C\" NOT NULL,"
                    + " hash BYTEA NOT NULL,"
                    + " size BIGINT NOT NULL,"
                    + " PRIMARY KEY (nid, slot))",
            "CREATE TABLE ~blobs ("
                    + " hash BYTEA PRIMARY KEY,"
                    + " size BIGINT NOT NULL,"
                    + " codec SMALLINT NOT NULL,"
                    + " bytes BYTEA NOT NULL,"
                    + " created_at BIGINT NOT NULL)",
            // Already compressed (or raw by choice): PostgreSQL must not compress it again.
            "ALTER TABLE ~blobs ALTER COLUMN bytes SET STORAGE EXTERNAL",
            "ALTER TABLE ~nodes ALTER COLUMN payload SET STORAGE EXTERNAL",
            "CREATE TABLE ~usage ("
                    + " sid BIGINT NOT NULL,"
                    + " revision BIGINT NOT NULL,"
                    + " pos INTEGER NOT NULL,"
                    + " nid BIGINT NOT NULL,"
                    + " node_id TEXT COLLATE \"C\" NOT NULL,"
                    + " model TEXT COLLATE \"C\" NOT NULL,"
                    + " input_tokens BIGINT NOT NULL,"
                    + " output_tokens BIGINT NOT NULL,"
                    + " cached_input_tokens BIGINT NOT NULL,"
                    + " reasoning_tokens BIGINT NOT NULL,"
                    + " recorded_at BIGINT NOT NULL,"
                    + " PRIMARY KEY (sid, revision, pos))",
            "CREATE INDEX usage_by_node ON ~usage (nid)",
            "CREATE TABLE ~usage_totals ("
                    + " sid BIGINT NOT NULL,"
                    + " model TEXT COLLATE \"C\" NOT NULL,"
                    + " input_tokens BIGINT NOT NULL,"
                    + " output_tokens BIGINT NOT NULL,"
                    + " cached_input_tokens BIGINT NOT NULL,"
                    + " reasoning_tokens BIGINT NOT NULL,"
                    + " PRIMARY KEY (sid, model))",
            "CREATE TABLE ~idempotency_keys ("
                    + " sid BIGINT NOT NULL,"
                    + " key TEXT COLLATE \"C\" NOT NULL,"
                    + " fingerprint BYTEA NOT NULL,"
                    + " revision BIGINT NOT NULL,"
                    + " head_node_id TEXT COLLATE \"C\","
                    + " committed_at BIGINT NOT NULL,"
                    + " checkpoint BYTEA NOT NULL,"
                    + " PRIMARY KEY (sid, key))");

    /**
     * Version 2 (issue 17; the SQLite provider's version 3): {@code resolved_checkpoints} holds only
     * the slots a node inherits from its path; its own slots are its {@code checkpoints} rows alone.
     * The step deletes the copies of own slots.
     */
    static final List<String> V2 = List.of(
            "DELETE FROM ~resolved_checkpoints r USING ~checkpoints c WHERE c.nid = r.nid AND c.slot = r.slot");

    /** The steps, index {@code i} taking the schema from version {@code i} to {@code i + 1}. */
    static final List<List<String>> STEPS = List.of(V1, V2);

    /** Every table of a store, for maintenance and for tests. */
    static final List<String> TABLES = List.of("sessions", "session_attributes", "nodes", "attachments",
            "checkpoints", "resolved_checkpoints", "blobs", "usage", "usage_totals", "idempotency_keys", HISTORY_TABLE);

    private Schema() {
    }
}
