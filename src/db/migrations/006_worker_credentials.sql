-- Worker credentials and namespace-bounded claims.
-- * API keys of type 'worker' (sk_worker_…): the only credential that may use the queue routes.
-- * queue_items.lease_credential: which credential holds the current lease (NULL for in-process
--   workers, which call the library directly). The lease token identifies one lease, and the
--   credential is written together with it, so "token fits and credential fits" cannot race.
-- * claim_queue_items gains p_namespaces / p_credential and returns each item's run namespace.

ALTER TABLE api_keys DROP CONSTRAINT api_keys_type_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_type_check CHECK (type IN ('live', 'test', 'admin', 'worker'));

ALTER TABLE queue_items ADD COLUMN lease_credential text;

DROP FUNCTION claim_queue_items(text, text[], integer, integer);

-- Claims up to p_limit items of the given task types, highest priority first, then oldest.
-- p_namespaces (NULL = every namespace) limits the claim to items of runs in those namespaces:
-- a worker credential only ever sees the work of the namespaces it may serve. p_credential is
-- the credential (API key id) of a remote worker; complete/renew/fail over HTTP must come from it.
-- Expired leases of these types are taken over first (outcome 'reclaimed'); an expired item
-- that has used all its attempts is dead-lettered instead (outcome 'dead', no lease token):
-- callers count those as lease expiries and hand out only the other rows.
CREATE FUNCTION claim_queue_items(p_worker_id text, p_task_types text[], p_limit integer, p_lease_seconds integer,
  p_namespaces text[] DEFAULT NULL, p_credential text DEFAULT NULL)
RETURNS TABLE (
  outcome text, queue_item_id uuid, task_id uuid, run_id uuid, task_type text, input jsonb, attempt integer,
  lease_token uuid, lease_expires_at timestamptz, timeout_seconds integer, wait_seconds double precision,
  run_status text, run_duration_seconds double precision, namespace text
) LANGUAGE plpgsql AS $$
DECLARE
  v_lease interval := make_interval(secs => p_lease_seconds);
  v_item record;
  v_dead record;
  v_claimed uuid[] := '{}';
  v_reclaimed uuid[] := '{}';
  v_queued_runs uuid[];
  v_finished_runs uuid[];
BEGIN
  IF p_limit IS NULL OR p_limit < 1 THEN RETURN; END IF;

  -- 1. Expired leases.
  FOR v_item IN
    SELECT q.id, q.attempts, q.max_attempts, q.lease_owner FROM queue_items q
    WHERE q.state = 'leased' AND q.lease_expires_at < now() AND q.task_type = ANY(p_task_types)
      AND (p_namespaces IS NULL OR EXISTS (SELECT 1 FROM runs r WHERE r.id = q.run_id AND r.namespace = ANY(p_namespaces)))
    ORDER BY q.lease_expires_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  LOOP
    IF v_item.attempts >= v_item.max_attempts THEN
      SELECT * INTO v_dead FROM syntra_dead_letter(v_item.id,
        jsonb_build_object('message', 'lease expired (worker ' || coalesce(v_item.lease_owner, '?') || ' stopped renewing) and no attempts are left',
                           'code', 'lease_expired', 'retryable', false), p_worker_id);
      -- lease_token NULL: a stale worker's later complete/fail is refused as lease_lost.
      UPDATE queue_items q SET lease_token = NULL WHERE q.id = v_item.id;
      RETURN QUERY SELECT 'dead'::text, v_item.id, NULL::uuid, v_dead.run_id, NULL::text, NULL::jsonb, v_item.attempts,
        NULL::uuid, NULL::timestamptz, NULL::integer, NULL::double precision, v_dead.run_status, v_dead.run_duration_seconds, NULL::text;
      p_limit := p_limit - 1;
    ELSE
      v_reclaimed := v_reclaimed || v_item.id;
    END IF;
  END LOOP;

  -- 2. Available items, filling what is left of the batch.
  IF p_limit > cardinality(v_reclaimed) THEN
    SELECT coalesce(array_agg(c.id), '{}') INTO v_claimed FROM (
      SELECT q.id FROM queue_items q
      WHERE q.state = 'available' AND q.task_type = ANY(p_task_types) AND q.available_at <= now()
        AND (p_namespaces IS NULL OR EXISTS (SELECT 1 FROM runs r WHERE r.id = q.run_id AND r.namespace = ANY(p_namespaces)))
      ORDER BY q.priority DESC, q.available_at, q.id
      LIMIT p_limit - cardinality(v_reclaimed)
      FOR UPDATE SKIP LOCKED
    ) c;
  END IF;
  v_claimed := v_reclaimed || v_claimed;
  IF cardinality(v_claimed) = 0 THEN RETURN; END IF;

  -- Run rows in id order, so two claimers touching the same runs cannot deadlock.
  SELECT coalesce(array_agg(l.id) FILTER (WHERE l.status = 'queued'), '{}'),
         coalesce(array_agg(l.id) FILTER (WHERE l.status NOT IN ('queued', 'running')), '{}')
    INTO v_queued_runs, v_finished_runs
    FROM (SELECT r.id, r.status FROM runs r
           WHERE r.id IN (SELECT q.run_id FROM queue_items q WHERE q.id = ANY(v_claimed))
           ORDER BY r.id FOR UPDATE) l;
  -- Normally a finished run has no open items; one that slipped past close_open_work (it was
  -- locked at that moment) is cancelled here instead of being handed out.
  IF cardinality(v_finished_runs) > 0 THEN
    FOR v_item IN SELECT q.id FROM queue_items q WHERE q.id = ANY(v_claimed) AND q.run_id = ANY(v_finished_runs) LOOP
      PERFORM syntra_cancel_item(v_item.id, p_worker_id, 'run finished');
      v_claimed := array_remove(v_claimed, v_item.id);
    END LOOP;
    IF cardinality(v_claimed) = 0 THEN RETURN; END IF;
  END IF;

  -- One statement for the whole batch: lease the items, start their tasks, write each run row
  -- ONCE (status + started_at + last_seq bumped by all its new events) and append every event
  -- in one multi-row INSERT. The runs are locked above, so numbering from last_seq is gap-free.
  -- Per run, events come in this order: run.started (when it was queued), then per item (by
  -- claim order) task.lease_expired (when reclaimed) and task.started.
  RETURN QUERY
  WITH items AS (
    UPDATE queue_items q SET state = 'leased', attempts = q.attempts + 1, lease_owner = p_worker_id,
      lease_token = gen_random_uuid(), lease_expires_at = now() + v_lease, lease_credential = p_credential
    WHERE q.id = ANY(v_claimed)
    RETURNING q.id, q.task_id, q.run_id, q.task_type, q.attempts, q.lease_token, q.lease_expires_at, q.timeout_seconds,
      CASE WHEN q.attempts = 1 THEN extract(epoch FROM now() - q.created_at)::double precision END AS wait_seconds
  ), started AS (
    UPDATE tasks t SET status = 'running', attempts = i.attempts, started_at = coalesce(t.started_at, now())
    FROM items i WHERE t.id = i.task_id
    RETURNING t.id, t.input
  ), evs AS (
    SELECT r.run_id, 0 AS pos, NULL::uuid AS item_id, 0 AS sub, NULL::uuid AS ev_task_id, 'run.started' AS type, '{}'::jsonb AS data
      FROM (SELECT DISTINCT i.run_id FROM items i) r WHERE r.run_id = ANY(v_queued_runs)
    UNION ALL
    SELECT i.run_id, 1, i.id, 0, i.task_id, 'task.lease_expired', jsonb_build_object('attempt', i.attempts - 1)
      FROM items i WHERE i.id = ANY(v_reclaimed)
    UNION ALL
    SELECT i.run_id, 1, i.id, 1, i.task_id, 'task.started', jsonb_build_object('attempt', i.attempts, 'workerId', p_worker_id)
      FROM items i
  ), bumped AS (
    UPDATE runs r SET last_seq = r.last_seq + n.count,
      status = CASE WHEN r.status = 'queued' THEN 'running' ELSE r.status END,
      started_at = CASE WHEN r.status = 'queued' THEN now() ELSE r.started_at END
    FROM (SELECT e.run_id, count(*)::integer AS count FROM evs e GROUP BY e.run_id) n
    WHERE r.id = n.run_id
    RETURNING r.id, r.last_seq - n.count AS base_seq
  ), appended AS (
    INSERT INTO ledger_events (run_id, seq, task_id, type, actor, data)
    SELECT e.run_id, b.base_seq + row_number() OVER (PARTITION BY e.run_id ORDER BY e.pos, array_position(v_claimed, e.item_id), e.sub),
      e.ev_task_id, e.type, p_worker_id, e.data
    FROM evs e JOIN bumped b ON b.id = e.run_id
  )
  SELECT CASE WHEN i.id = ANY(v_reclaimed) THEN 'reclaimed' ELSE 'claimed' END,
    i.id, i.task_id, i.run_id, i.task_type, s.input, i.attempts, i.lease_token,
    i.lease_expires_at, i.timeout_seconds, i.wait_seconds, NULL::text, NULL::double precision,
    (SELECT r.namespace FROM runs r WHERE r.id = i.run_id)
  FROM items i JOIN started s ON s.id = i.task_id
  ORDER BY array_position(v_claimed, i.id);
END $$;
