-- Cairn's PostgreSQL schema, version 1: the SQLite provider's version 2 in PostgreSQL types. Run by
-- Migrations in one transaction under an advisory lock and recorded as a row of cairn_schema_history.
-- Never changed once released: a new change is a new version. '~' stands for the quoted schema name
-- and a dot.
--
-- sessions.sid and nodes.nid are identity keys, never reused. Parent pointers and the checkpoint
-- pointer ck_nid are nids, so walking a path is one primary-key lookup per node. blobs is keyed by
-- hash for the whole database: every session shares one copy of each content. Time columns hold
-- nanoseconds since the epoch (exact, like the SQLite provider's); hashes are 32-byte SHA-256
-- digests; codec columns say how bytes are stored (RAW or ZSTD). Ids are COLLATE "C": byte order,
-- which for ids (ASCII) is Java's String order, so the catalogue pages exactly as the other
-- providers do whatever the database's default collation. See the SQLite provider's schema-v1.sql
-- for the role of each table.
CREATE TABLE ~cairn_schema_history (
    version INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE ~sessions (
    sid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id TEXT COLLATE "C" NOT NULL UNIQUE,
    parent_session_id TEXT COLLATE "C",
    name TEXT NOT NULL,
    model TEXT NOT NULL,
    cwd TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 0,
    head_node_id TEXT COLLATE "C",
    last_seq BIGINT NOT NULL DEFAULT 0);
CREATE INDEX sessions_by_created ON ~sessions (created_at, session_id);
CREATE INDEX sessions_by_parent ON ~sessions (parent_session_id, created_at, session_id);
CREATE TABLE ~session_attributes (
    sid BIGINT NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (sid, key));
CREATE TABLE ~nodes (
    nid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sid BIGINT NOT NULL,
    node_id TEXT COLLATE "C" NOT NULL,
    parent_nid BIGINT,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    codec SMALLINT NOT NULL,
    payload BYTEA NOT NULL,
    payload_size INTEGER NOT NULL,
    payload_hash BYTEA NOT NULL,
    attachments BYTEA,
    created_at BIGINT NOT NULL,
    state SMALLINT NOT NULL DEFAULT 0,
    ck_nid BIGINT,
    UNIQUE (sid, node_id));
CREATE INDEX nodes_by_parent ON ~nodes (parent_nid);
CREATE INDEX nodes_tombstoned ON ~nodes (nid) WHERE state = 1;
CREATE INDEX nodes_detached ON ~nodes (nid) WHERE state = 2;
CREATE TABLE ~attachments (
    nid BIGINT NOT NULL,
    pos INTEGER NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (nid, pos));
CREATE INDEX attachments_by_hash ON ~attachments (hash);
CREATE TABLE ~checkpoints (
    nid BIGINT NOT NULL,
    slot TEXT COLLATE "C" NOT NULL,
    hash BYTEA NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (nid, slot));
CREATE INDEX checkpoints_by_hash ON ~checkpoints (hash);
CREATE TABLE ~resolved_checkpoints (
    nid BIGINT NOT NULL,
    slot TEXT COLLATE "C" NOT NULL,
    node_id TEXT COLLATE "C" NOT NULL,
    hash BYTEA NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (nid, slot));
CREATE TABLE ~blobs (
    hash BYTEA PRIMARY KEY,
    size BIGINT NOT NULL,
    codec SMALLINT NOT NULL,
    bytes BYTEA NOT NULL,
    created_at BIGINT NOT NULL);
-- Already compressed (or raw by choice): PostgreSQL must not compress it again.
ALTER TABLE ~blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;
ALTER TABLE ~nodes ALTER COLUMN payload SET STORAGE EXTERNAL;
CREATE TABLE ~usage (
    sid BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    pos INTEGER NOT NULL,
    nid BIGINT NOT NULL,
    node_id TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    cached_input_tokens BIGINT NOT NULL,
    reasoning_tokens BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (sid, revision, pos));
CREATE INDEX usage_by_node ON ~usage (nid);
CREATE TABLE ~usage_totals (
    sid BIGINT NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    cached_input_tokens BIGINT NOT NULL,
    reasoning_tokens BIGINT NOT NULL,
    PRIMARY KEY (sid, model));
CREATE TABLE ~idempotency_keys (
    sid BIGINT NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    fingerprint BYTEA NOT NULL,
    revision BIGINT NOT NULL,
    head_node_id TEXT COLLATE "C",
    committed_at BIGINT NOT NULL,
    checkpoint BYTEA NOT NULL,
    PRIMARY KEY (sid, key));
