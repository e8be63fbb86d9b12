-- Cairn's SQLite schema, version 4 (issue 17): a checkpoint slot's value of at most 2 KiB
-- (the engine's InlineSlots.MAX_BYTES) is kept in its checkpoints row, in its codec form, instead of a
-- blobs row: a slot commit writes one row and one hash-index entry per slot instead of two of each.
-- Null for a value that is a row of blobs (larger values, and every row written before this version).
-- Larger values and attachments stay content-addressed in blobs.
ALTER TABLE checkpoints ADD COLUMN codec INTEGER;
ALTER TABLE checkpoints ADD COLUMN bytes BLOB;
