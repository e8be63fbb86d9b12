-- Cairn's SQLite schema, version 1: the base schema. Run by Migrations in one BEGIN IMMEDIATE
-- transaction that also sets PRAGMA application_id and user_version. Never changed once released:
-- a new change is a new version.
--
-- sessions.sid is an internal key (never reused: AUTOINCREMENT), so per-session rows stay small.
-- Nodes have an integer rowid nid; parent pointers and the checkpoint pointer ck_nid are rowids, so
-- walking a path is one rowid lookup per node. A node's attachments are also kept inline
-- (nodes.attachments, encoded by the engine's Encoding) so reads need no join; the attachments
-- table exists for the blob references that gc and delete follow. resolved_checkpoints holds, for
-- each node that has checkpoint slots of its own (ck_nid = nid), every slot resolved along its path,
-- so a read or commit resolves a checkpoint with one lookup whatever the length of the session.
-- Time columns hold nanoseconds since the epoch; hashes are 32-byte SHA-256 digests; codec columns
-- say how bytes are stored (the engine's Codec: RAW or ZSTD).
CREATE TABLE sessions (
    sid INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL UNIQUE,
    parent_session_id TEXT,
    name TEXT NOT NULL,
    model TEXT NOT NULL,
    cwd TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0,
    head_node_id TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0);
CREATE INDEX sessions_by_created ON sessions (created_at DESC,
    session_id DESC);
CREATE INDEX sessions_by_parent ON sessions (parent_session_id,
    created_at DESC,
    session_id DESC);
CREATE TABLE session_attributes (
    sid INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (sid, key)) WITHOUT ROWID;
CREATE TABLE nodes (
    nid INTEGER PRIMARY KEY,
    sid INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    parent_nid INTEGER,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    codec INTEGER NOT NULL,
    payload BLOB NOT NULL,
    payload_size INTEGER NOT NULL,
    payload_hash BLOB NOT NULL,
    attachments BLOB,
    created_at INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0,
    ck_nid INTEGER,
    UNIQUE (sid, node_id));
CREATE INDEX nodes_by_parent ON nodes (parent_nid);
-- gc and vacuum find tombstoned and detached nodes without reading the live ones.
CREATE INDEX nodes_tombstoned ON nodes (nid) WHERE state = 1;
CREATE INDEX nodes_detached ON nodes (nid) WHERE state = 2;
CREATE TABLE attachments (
    nid INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (nid, pos)) WITHOUT ROWID;
CREATE INDEX attachments_by_hash ON attachments (hash);
CREATE TABLE checkpoints (
    nid INTEGER NOT NULL,
    slot TEXT NOT NULL,
    hash BLOB NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (nid, slot)) WITHOUT ROWID;
CREATE INDEX checkpoints_by_hash ON checkpoints (hash);
CREATE TABLE resolved_checkpoints (
    nid INTEGER NOT NULL,
    slot TEXT NOT NULL,
    node_id TEXT NOT NULL,
    hash BLOB NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (nid, slot)) WITHOUT ROWID;
CREATE TABLE blobs (
    bid INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    codec INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    created_at INTEGER NOT NULL);
CREATE TABLE usage (
    sid INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    nid INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (sid, revision, pos)) WITHOUT ROWID;
CREATE INDEX usage_by_node ON usage (nid);
CREATE TABLE idempotency_keys (
    sid INTEGER NOT NULL,
    key TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    revision INTEGER NOT NULL,
    head_node_id TEXT,
    committed_at INTEGER NOT NULL,
    checkpoint BLOB NOT NULL,
    PRIMARY KEY (sid, key)) WITHOUT ROWID;
