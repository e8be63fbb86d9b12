-- Cairn's SQLite schema, version 5 (issue 17): a node's first checkpoint slot is kept in its own nodes
-- row (own_slot, own_hash, own_size, own_codec, own_bytes) instead of a row of its own. A slot commit
-- at the head it appends then writes no second table row: the nodes leaf the insert dirtied already
-- holds it, so the commit writes about 1.6 fewer WAL pages (the checkpoints leaf and its splits).
-- Further slots of a node, and every row written before this version, stay rows of checkpoint_rows
-- (the table checkpoints was). The engine's statements keep reading and writing checkpoints, now a
-- view of both; its triggers send a slot to the nodes row when that place is free (or holds the same
-- slot) and to checkpoint_rows otherwise, and a delete to wherever the slot is. The hash index of
-- the rows in nodes keeps loadBlob, rule 6 and gc one index lookup by hash.
ALTER TABLE checkpoints RENAME TO checkpoint_rows;
ALTER TABLE nodes ADD COLUMN own_slot TEXT;
ALTER TABLE nodes ADD COLUMN own_hash BLOB;
ALTER TABLE nodes ADD COLUMN own_size INTEGER;
ALTER TABLE nodes ADD COLUMN own_codec INTEGER;
ALTER TABLE nodes ADD COLUMN own_bytes BLOB;
CREATE INDEX nodes_by_own_hash ON nodes (own_hash) WHERE own_slot IS NOT NULL;
CREATE VIEW checkpoints (nid, slot, hash, size, codec, bytes) AS
    SELECT nid, slot, hash, size, codec, bytes FROM checkpoint_rows
    UNION ALL SELECT nid, own_slot, own_hash, own_size, own_codec, own_bytes FROM nodes WHERE own_slot IS NOT NULL;
-- An insert replaces the slot where it is (an upsert: a view takes no ON CONFLICT clause), else takes
-- the node's own place if it is free, else is a row of checkpoint_rows. A ';' inside a trigger starts
-- its line, so the step's reader does not end the statement there.
CREATE TRIGGER checkpoints_insert INSTEAD OF INSERT ON checkpoints BEGIN
    UPDATE nodes SET own_hash = NEW.hash, own_size = NEW.size, own_codec = NEW.codec, own_bytes = NEW.bytes
        WHERE nid = NEW.nid AND own_slot = NEW.slot
    ; UPDATE nodes SET own_slot = NEW.slot, own_hash = NEW.hash, own_size = NEW.size, own_codec = NEW.codec,
        own_bytes = NEW.bytes WHERE nid = NEW.nid AND own_slot IS NULL
        AND NOT EXISTS (SELECT 1 FROM checkpoint_rows WHERE nid = NEW.nid AND slot = NEW.slot)
    ; INSERT INTO checkpoint_rows (nid, slot, hash, size, codec, bytes)
        SELECT NEW.nid, NEW.slot, NEW.hash, NEW.size, NEW.codec, NEW.bytes
        WHERE NOT EXISTS (SELECT 1 FROM nodes WHERE nid = NEW.nid AND own_slot = NEW.slot)
        ON CONFLICT (nid, slot) DO UPDATE SET hash = excluded.hash, size = excluded.size, codec = excluded.codec,
        bytes = excluded.bytes
    ; END;
CREATE TRIGGER checkpoints_delete INSTEAD OF DELETE ON checkpoints BEGIN
    UPDATE nodes SET own_slot = NULL, own_hash = NULL, own_size = NULL, own_codec = NULL, own_bytes = NULL
        WHERE nid = OLD.nid AND own_slot = OLD.slot
    ; DELETE FROM checkpoint_rows WHERE nid = OLD.nid AND slot = OLD.slot
    ; END;
