package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.jdbc.Codec;
import dev.cairn.persistence.jdbc.Encoding;
import java.util.List;

/**
 * The schema, as forward migrations. Version {@code n} is reached by running the steps of
 * versions 1 to {@code n} in order, each in its own transaction that also sets
 * {@code PRAGMA user_version}; see {@link Migrations}. A step never changes once released: a new
 * change is a new version.
 *
 * <p>Time columns hold nanoseconds since the epoch; hashes are 32-byte SHA-256 digests; the
 * {@code codec} columns say how bytes are stored ({@link Codec#RAW} or {@link Codec#ZSTD}).
 */
final class Schema {
    /** The newest version this code knows, and the one it migrates every database to. */
    static final int CURRENT_VERSION = 3;

    /** {@code PRAGMA application_id} of a Cairn database: "Carn". */
    static final int APPLICATION_ID = 0x4361726E;

    /**
     * Version 1: the base schema.
     *
     * <p>{@code sessions.sid} is an internal key (never reused: AUTOINCREMENT), so per-session rows
     * stay small. Nodes have an integer rowid {@code nid}; parent pointers and the checkpoint
     * pointer {@code ck_nid} are rowids, so walking a path is one rowid lookup per node. A node's
     * attachments are also kept inline ({@code nodes.attachments}, encoded by {@link Encoding}) so
     * reads need no join; the {@code attachments} table exists for the blob references that gc and
     * delete follow. {@code resolved_checkpoints} holds, for each node that has checkpoint slots of
     * its own ({@code ck_nid = nid}), every slot resolved along its path (since version 3: only those
     * it inherits), so a read or commit resolves a checkpoint with one lookup whatever the length of
     * the session.
     */
    static final List<String> V1 = List.of(
            "CREATE TABLE sessions ("
                    + " sid INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " session_id TEXT NOT NULL UNIQUE,"
                    + " parent_session_id TEXT,"
                    + " name TEXT NOT NULL,"
                    + " model TEXT NOT NULL,"
                    + " cwd TEXT NOT NULL,"
                    + " created_at INTEGER NOT NULL,"
                    + " revision INTEGER NOT NULL DEFAULT 0,"
                    + " head_node_id TEXT,"
                    + " last_seq INTEGER NOT NULL DEFAULT 0)",
            "CREATE INDEX sessions_by_created ON sessions (created_at DESC, session_id DESC)",
            "CREATE INDEX sessions_by_parent ON sessions (parent_session_id, created_at DESC, session_id DESC)",
            "CREATE TABLE session_attributes ("
                    + " sid INTEGER NOT NULL,"
                    + " key TEXT NOT NULL,"
                    + " value TEXT NOT NULL,"
                    + " PRIMARY KEY (sid, key)) WITHOUT ROWID",
            "CREATE TABLE nodes ("
                    + " nid INTEGER PRIMARY KEY,"
                    + " sid INTEGER NOT NULL,"
                    + " node_id TEXT NOT NULL,"
                    + " parent_nid INTEGER,"
                    + " seq INTEGER NOT NULL,"
                    + " kind TEXT NOT NULL,"
                    + " codec INTEGER NOT NULL,"
                    + " payload BLOB NOT NULL,"
                    + " payload_size INTEGER NOT NULL,"
                    + " payload_hash BLOB NOT NULL,"
                    + " attachments BLOB,"
                    + " created_at INTEGER NOT NULL,"
                    + " state INTEGER NOT NULL DEFAULT 0,"
                    + " ck_nid INTEGER,"
                    + " UNIQUE (sid, node_id))",
            "CREATE INDEX nodes_by_parent ON nodes (parent_nid)",
            // gc and vacuum find tombstoned and detached nodes without reading the live ones.
            "CREATE INDEX nodes_tombstoned ON nodes (nid) WHERE state = 1",
            "CREATE INDEX nodes_detached ON nodes (nid) WHERE state = 2",
            "CREATE TABLE attachments ("
                    + " nid INTEGER NOT NULL,"
                    + " pos INTEGER NOT NULL,"
                    + " hash BLOB NOT NULL,"
                    + " PRIMARY KEY (nid, pos)) WITHOUT ROWID",
            "CREATE INDEX attachments_by_hash ON attachments (hash)",
            "CREATE TABLE checkpoints ("
                    + " nid INTEGER NOT NULL,"
                    + " slot TEXT NOT NULL,"
                    + " hash BLOB NOT NULL,"
                    + " size INTEGER NOT NULL,"
                    + " PRIMARY KEY (nid, slot)) WITHOUT ROWID",
            "CREATE INDEX checkpoints_by_hash ON checkpoints (hash)",
            "CREATE TABLE resolved_checkpoints ("
                    + " nid INTEGER NOT NULL,"
                    + " slot TEXT NOT NULL,"
                    + " node_id TEXT NOT NULL,"
                    + " hash BLOB NOT NULL,"
                    + " size INTEGER NOT NULL,"
                    + " PRIMARY KEY (nid, slot)) WITHOUT ROWID",
            "CREATE TABLE blobs ("
                    + " bid INTEGER PRIMARY KEY,"
                    + " hash BLOB NOT NULL UNIQUE,"
                    + " size INTEGER NOT NULL,"
                    + " codec INTEGER NOT NULL,"
                    + " bytes BLOB NOT NULL,"
                    + " created_at INTEGER NOT NULL)",
            "CREATE TABLE usage ("
                    + " sid INTEGER NOT NULL,"
                    + " revision INTEGER NOT NULL,"
                    + " pos INTEGER NOT NULL,"
                    + " nid INTEGER NOT NULL,"
                    + " node_id TEXT NOT NULL,"
                    + " model TEXT NOT NULL,"
                    + " input_tokens INTEGER NOT NULL,"
                    + " output_tokens INTEGER NOT NULL,"
                    + " cached_input_tokens INTEGER NOT NULL,"
                    + " reasoning_tokens INTEGER NOT NULL,"
                    + " recorded_at INTEGER NOT NULL,"
                    + " PRIMARY KEY (sid, revision, pos)) WITHOUT ROWID",
            "CREATE INDEX usage_by_node ON usage (nid)",
            "CREATE TABLE idempotency_keys ("
                    + " sid INTEGER NOT NULL,"
                    + " key TEXT NOT NULL,"
                    + " fingerprint BLOB NOT NULL,"
                    + " revision INTEGER NOT NULL,"
                    + " head_node_id TEXT,"
                    + " committed_at INTEGER NOT NULL,"
                    + " checkpoint BLOB NOT NULL,"
                    + " PRIMARY KEY (sid, key)) WITHOUT ROWID");

    /**
     * Version 2: per-session usage totals, so reading the ledger's totals is one index range of a
     * few rows (one per model, and {@code Sql.TOTAL_MODEL}, the empty name, for all models) instead of a sum over every
     * usage record the session ever committed. Back-filled from the records.
     */
    static final List<String> V2 = List.of(
            "CREATE TABLE usage_totals ("
                    + " sid INTEGER NOT NULL,"
                    + " model TEXT NOT NULL,"
                    + " input_tokens INTEGER NOT NULL,"
                    + " output_tokens INTEGER NOT NULL,"
                    + " cached_input_tokens INTEGER NOT NULL,"
                    + " reasoning_tokens INTEGER NOT NULL,"
                    + " PRIMARY KEY (sid, model)) WITHOUT ROWID",
            "INSERT INTO usage_totals (sid, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens)"
                    + " SELECT sid, model, sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),"
                    + " sum(reasoning_tokens) FROM usage GROUP BY sid, model",
            "INSERT INTO usage_totals (sid, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens)"
                    + " SELECT sid, '', sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),"
                    + " sum(reasoning_tokens) FROM usage GROUP BY sid");

    /**
     * Version 3 (issue 17): {@code resolved_checkpoints} holds only the slots a node inherits from its
     * path; its own slots are its {@code checkpoints} rows alone, no longer copied, so a commit of
     * state writes one row per slot instead of two. The step deletes the copies of own slots; reads
     * resolve a node's own slots and its inherited ones together ({@code Sql.RESOLVED}).
     */
    static final List<String> V3 = List.of(
            "DELETE FROM resolved_checkpoints WHERE EXISTS (SELECT 1 FROM checkpoints c"
                    + " WHERE c.nid = resolved_checkpoints.nid AND c.slot = resolved_checkpoints.slot)");

    /** The steps, index {@code i} taking the schema from version {@code i} to {@code i + 1}. */
    static final List<List<String>> STEPS = List.of(V1, V2, V3);

    private Schema() {
    }
}
