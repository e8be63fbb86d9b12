-- Cairn's SQLite schema, version 2: per-session usage totals, so reading the ledger's totals is one
-- index range of a few rows (one per model, and the empty name, Sql.TOTAL_MODEL, for all models)
-- instead of a sum over every usage record the session ever committed. Back-filled from the records.
CREATE TABLE usage_totals (
    sid INTEGER NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    PRIMARY KEY (sid, model)) WITHOUT ROWID;
INSERT INTO usage_totals (sid, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens)
    SELECT sid, model, sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(reasoning_tokens)
    FROM usage GROUP BY sid, model;
INSERT INTO usage_totals (sid, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens)
    SELECT sid, '', sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(reasoning_tokens)
    FROM usage GROUP BY sid;
