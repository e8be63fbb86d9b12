-- Cairn's PostgreSQL schema, version 5 (issue 16): commit_turn (version 4) does less work per turn, with the
-- same signature, result, locks and anomalies. Measured with callgrind on PostgreSQL 15 (ANALYSIS.md, issue 16,
-- fourth pass), the executor's start-up of each statement costs about as much as running it, so the common turn
-- runs fewer and smaller statements: its usage record of the node it inserted is one VALUES row with the nid the
-- insert returned (no unnest, no lookup); the head it appends is not looked up again (the insert made it live,
-- and its ck_nid is known); a head whose path holds no checkpoint slot (ck_nid null) gets the empty checkpoint's
-- encoding without running the resolution query. Every other commit takes version 4's statements unchanged.
CREATE OR REPLACE FUNCTION ~commit_turn(p_session_id TEXT, p_sid BIGINT, p_expected BIGINT, p_head TEXT, p_key TEXT,
    p_fingerprint BYTEA, p_now BIGINT, p_node_id TEXT, p_parent TEXT, p_kind TEXT, p_codec INTEGER, p_payload BYTEA,
    p_payload_size INTEGER, p_payload_hash BYTEA, p_usage_nodes TEXT[], p_usage_models TEXT[], p_i BIGINT[],
    p_o BIGINT[], p_c BIGINT[], p_r BIGINT[], p_total_models TEXT[], p_ti BIGINT[], p_to BIGINT[], p_tc BIGINT[],
    p_tr BIGINT[], OUT o_replayed BOOLEAN, OUT o_revision BIGINT, OUT o_head TEXT, OUT o_committed_at BIGINT,
    OUT o_checkpoint BYTEA)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_sid BIGINT; v_seq BIGINT; v_parent BIGINT; v_ck BIGINT; v_nid BIGINT; v_rows BIGINT; v_state SMALLINT; v_key RECORD;
BEGIN
    IF p_key IS NOT NULL THEN
        SELECT s.sid INTO v_sid FROM ~sessions s WHERE s.session_id = p_session_id FOR UPDATE;
        IF NOT FOUND THEN RAISE EXCEPTION 'no session' USING ERRCODE = 'CRN01';
        END IF;
        SELECT k.fingerprint, k.revision, k.head_node_id, k.committed_at, k.checkpoint INTO v_key
            FROM ~idempotency_keys k WHERE k.sid = v_sid AND k.key = p_key;
        IF FOUND THEN
            IF v_sid <> p_sid OR v_key.fingerprint <> p_fingerprint THEN
                RAISE EXCEPTION 'key used by another commit' USING ERRCODE = 'CRN01';
            END IF;
            o_replayed := true; o_revision := v_key.revision; o_head := v_key.head_node_id;
            o_committed_at := v_key.committed_at; o_checkpoint := v_key.checkpoint;
            RETURN;
        END IF;
    END IF;
    UPDATE ~sessions s SET revision = s.revision + 1, last_seq = s.last_seq + (p_node_id IS NOT NULL)::int,
        head_node_id = coalesce(p_head, s.head_node_id)
        WHERE s.session_id = p_session_id AND (p_expected IS NULL OR s.revision = p_expected)
        RETURNING s.sid, s.revision, s.last_seq, s.head_node_id INTO v_sid, o_revision, v_seq, o_head;
    IF NOT FOUND OR v_sid <> p_sid THEN RAISE EXCEPTION 'revision conflict' USING ERRCODE = 'CRN01';
    END IF;
    IF p_node_id IS NOT NULL THEN
        IF p_parent IS NOT NULL THEN
            SELECT n.nid, n.ck_nid INTO v_parent, v_ck FROM ~nodes n
                WHERE n.sid = p_sid AND n.node_id = p_parent AND n.state = 0;
            IF NOT FOUND THEN RAISE EXCEPTION 'parent not live' USING ERRCODE = 'CRN01';
            END IF;
        END IF;
        INSERT INTO ~nodes (sid, node_id, parent_nid, seq, kind, codec, payload, payload_size, payload_hash,
            created_at, ck_nid) VALUES (p_sid, p_node_id, v_parent, v_seq, p_kind, p_codec, p_payload,
            p_payload_size, p_payload_hash, p_now, v_ck) ON CONFLICT DO NOTHING RETURNING nid INTO v_nid;
        IF NOT FOUND THEN RAISE EXCEPTION 'node id taken' USING ERRCODE = 'CRN01';
        END IF;
    END IF;
    IF cardinality(p_usage_nodes) = 1 AND p_usage_nodes[1] = p_node_id THEN
        -- The common turn: one record, of the node this call inserted; its nid came back from the insert.
        INSERT INTO ~usage (sid, revision, pos, nid, node_id, model, input_tokens, output_tokens,
            cached_input_tokens, reasoning_tokens, recorded_at) VALUES (p_sid, o_revision, 0, v_nid, p_node_id,
            p_usage_models[1], p_i[1], p_o[1], p_c[1], p_r[1], p_now);
    ELSIF cardinality(p_usage_nodes) > 0 THEN
        INSERT INTO ~usage (sid, revision, pos, nid, node_id, model, input_tokens, output_tokens,
            cached_input_tokens, reasoning_tokens, recorded_at)
            SELECT p_sid, o_revision, t.ord - 1, n.nid, t.node_id, t.model, t.i, t.o, t.c, t.r, p_now
            FROM unnest(p_usage_nodes, p_usage_models, p_i, p_o, p_c, p_r) WITH ORDINALITY AS t(node_id, model, i, o,
            c, r, ord) JOIN LATERAL (SELECT n.nid FROM ~nodes n WHERE n.sid = p_sid AND n.node_id = t.node_id
            AND n.state = 0 LIMIT 1) n ON true;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows <> cardinality(p_usage_nodes) THEN RAISE EXCEPTION 'usage of an unknown node' USING ERRCODE = 'CRN01';
        END IF;
    END IF;
    IF cardinality(p_usage_nodes) > 0 THEN
        INSERT INTO ~usage_totals AS t (sid, model, input_tokens, output_tokens, cached_input_tokens,
            reasoning_tokens) SELECT p_sid, x.m, x.i, x.o, x.c, x.r FROM unnest(p_total_models, p_ti, p_to, p_tc, p_tr)
            AS x(m, i, o, c, r) ON CONFLICT (sid, model) DO UPDATE SET
            input_tokens = t.input_tokens + excluded.input_tokens,
            output_tokens = t.output_tokens + excluded.output_tokens,
            cached_input_tokens = t.cached_input_tokens + excluded.cached_input_tokens,
            reasoning_tokens = t.reasoning_tokens + excluded.reasoning_tokens;
    END IF;
    IF p_node_id IS NOT NULL AND o_head = p_node_id THEN
        -- The head is the node this call inserted: live, and v_ck is its ck_nid. No lookup.
        NULL;
    ELSIF o_head IS NOT NULL THEN
        SELECT h.state, h.ck_nid INTO v_state, v_ck FROM ~nodes h WHERE h.sid = p_sid AND h.node_id = o_head;
        IF p_head IS NOT NULL AND (NOT FOUND OR v_state <> 0) THEN
            RAISE EXCEPTION 'head not live' USING ERRCODE = 'CRN01';
        END IF;
    ELSE
        v_ck := NULL;
    END IF;
    IF v_ck IS NULL THEN
        -- No node holds a slot for the head: Encoding.encodeCheckpoint of no slots (format 1, count 0).
        o_checkpoint := '\x0100000000'::bytea;
    ELSE
        SELECT decode('01', 'hex') || int4send(count(r.slot)::int) || coalesce(string_agg(
            int2send(octet_length(r.slot)::int2) || convert_to(r.slot, 'UTF8') || int2send(octet_length(r.node_id)::int2)
            || convert_to(r.node_id, 'UTF8') || r.hash || int8send(r.size) || int2send(24::int2)
            || convert_to('application/octet-stream', 'UTF8'), ''::bytea ORDER BY r.slot), ''::bytea) INTO o_checkpoint
            FROM (SELECT DISTINCT ON (x.slot) x.slot, x.node_id, x.hash, x.size FROM (SELECT c.slot, n.node_id, c.hash,
            c.size, 1 FROM ~checkpoints c JOIN ~nodes n ON n.nid = c.nid WHERE c.nid = v_ck UNION ALL SELECT q.slot,
            q.node_id, q.hash, q.size, 0 FROM ~resolved_checkpoints q WHERE q.nid = v_ck) x(slot, node_id, hash, size, own)
            ORDER BY x.slot, x.own DESC) r;
    END IF;
    IF p_key IS NOT NULL THEN
        INSERT INTO ~idempotency_keys (sid, key, fingerprint, revision, head_node_id, committed_at, checkpoint)
            VALUES (p_sid, p_key, p_fingerprint, o_revision, o_head, p_now, o_checkpoint);
    END IF;
    o_replayed := false;
    o_committed_at := p_now;
END
$$;
