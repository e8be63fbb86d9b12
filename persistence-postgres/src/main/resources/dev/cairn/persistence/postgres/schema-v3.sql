-- Cairn's PostgreSQL schema, version 3 (issue 17; the SQLite provider's version 4): a checkpoint
-- slot's value of at most 2 KiB (the engine's InlineSlots.MAX_BYTES) is kept in its checkpoints row,
-- in its codec form, instead of a blobs row. Null for a value that is a row of blobs (larger values,
-- and every row written before this version).
ALTER TABLE ~checkpoints ADD COLUMN codec SMALLINT, ADD COLUMN bytes BYTEA;
