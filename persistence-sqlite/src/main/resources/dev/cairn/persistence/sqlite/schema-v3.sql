-- Cairn's SQLite schema, version 3 (issue 17): resolved_checkpoints holds only the slots a node
-- inherits from its path; its own slots are its checkpoints rows alone, no longer copied, so a commit
-- of state writes one row per slot instead of two. The step deletes the copies of own slots; reads
-- resolve a node's own slots and its inherited ones together (Sql.RESOLVED).
DELETE FROM resolved_checkpoints WHERE EXISTS (SELECT 1 FROM checkpoints c
    WHERE c.nid = resolved_checkpoints.nid AND c.slot = resolved_checkpoints.slot);
