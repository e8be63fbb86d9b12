-- Cairn's PostgreSQL schema, version 2 (issue 17; the SQLite provider's version 3):
-- resolved_checkpoints holds only the slots a node inherits from its path; its own slots are its
-- checkpoints rows alone. The step deletes the copies of own slots.
DELETE FROM ~resolved_checkpoints r USING ~checkpoints c WHERE c.nid = r.nid AND c.slot = r.slot;
