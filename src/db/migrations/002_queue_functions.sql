-- Queue hot path as SQL functions: each of claim / renew / complete / fail / release is ONE
-- round trip and ONE transaction, whichever client calls it (worker runtime, HTTP API, SQL).
--
-- Lock order everywhere: queue item rows first, then run rows (sorted by id when several).
-- Appending a ledger event takes the run row lock (runs.last_seq), which numbers a run's events
-- gap-free in commit order.
--
-- Fencing: complete/fail/renew must present the item's current lease_token. The token stays on
-- the row after complete/fail so that a retried call (lost response) is answered idempotently;
-- a new claim replaces it, which is what fences out a stale worker.

CREATE INDEX runs_kind_idx ON runs (kind, created_at DESC);
CREATE INDEX runs_namespace_idx ON runs (namespace, created_at DESC);
CREATE INDEX queue_items_run_idx ON queue_items (run_id) WHERE state IN ('available', 'leased');
-- No index on tasks.status (the "open tasks of a run" check scans tasks_run_idx, a handful of rows
-- per run) and none on ledger_events.task_id (nothing reads events by task): a task's status
-- changes then qualify for HOT updates, and each ledger append maintains two indexes, not three.

-- One event, for callers outside the hot paths (handlers' progress events, cancel, appendEvent).
-- ledger_events.task_id has no foreign key (see 001), so the task is checked here instead, and
-- more strictly: it must be a task of this run.
CREATE FUNCTION syntra_append_event(p_run_id uuid, p_task_id uuid, p_type text, p_actor text, p_data jsonb)
RETURNS ledger_events LANGUAGE plpgsql AS $$
DECLARE
  v_seq integer;
  v_event ledger_events;
BEGIN
  UPDATE runs SET last_seq = last_seq + 1 WHERE id = p_run_id RETURNING last_seq INTO v_seq;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'run % not found', p_run_id USING ERRCODE = 'P0002';
  END IF;
  IF p_task_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = p_task_id AND t.run_id = p_run_id) THEN
    RAISE EXCEPTION 'task % is not a task of run %', p_task_id, p_run_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  INSERT INTO ledger_events (run_id, seq, task_id, type, actor, data)
  VALUES (p_run_id, v_seq, p_task_id, p_type, p_actor, coalesce(p_data, '{}'::jsonb))
  RETURNING * INTO v_event;
  RETURN v_event;
END $$;

-- Submits a command in ONE round trip and one transaction (a single statement): command,
-- thread, run, first task, queue item, run.queued + task.queued ledger events, wakeup outbox row.
-- Idempotency: ON CONFLICT waits for a concurrent inserter of the same key to commit or roll
-- back, so exactly one submission creates the run; the others get created = false, the existing
-- run, and whether their request was the same (the caller turns "not the same" into a conflict).
-- p_fault_after is a test seam: raise right after that step's insert (the whole submit rolls back).
CREATE FUNCTION syntra_submit_command(
  p_kind text, p_input jsonb, p_namespace text, p_metadata jsonb, p_idempotency_key text, p_created_by text,
  p_priority integer, p_max_attempts integer, p_timeout_seconds integer, p_fault_after text DEFAULT NULL
) RETURNS TABLE (created boolean, same_request boolean, command_id uuid, thread_id uuid, run_id uuid, status text,
  task_id uuid, queue_item_id uuid, outbox_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_outbox bigint;
  v_command uuid;
  v_thread uuid;
  v_run uuid;
  v_task uuid;
  v_item uuid;
BEGIN
  INSERT INTO commands (kind, input, namespace, metadata, idempotency_key, created_by)
  VALUES (p_kind, p_input, p_namespace, p_metadata, p_idempotency_key, p_created_by)
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING id INTO v_command;
  IF v_command IS NULL THEN
    RETURN QUERY
      SELECT false, (c.kind = p_kind AND c.input = p_input AND c.namespace IS NOT DISTINCT FROM p_namespace
                     AND c.metadata = p_metadata AND t.priority = p_priority AND t.max_attempts = p_max_attempts
                     AND t.timeout_seconds = p_timeout_seconds),
             c.id, r.thread_id, r.id, r.status, NULL::uuid, NULL::uuid, NULL::bigint
        FROM commands c
        JOIN runs r ON r.command_id = c.id
        JOIN LATERAL (SELECT * FROM tasks t1 WHERE t1.run_id = r.id ORDER BY t1.created_at, t1.id LIMIT 1) t ON true
       WHERE c.idempotency_key = p_idempotency_key
       ORDER BY r.created_at LIMIT 1;
    RETURN;
  END IF;
  IF p_fault_after = 'command' THEN RAISE EXCEPTION 'injected fault after %', p_fault_after; END IF;

  INSERT INTO threads (command_id) VALUES (v_command) RETURNING id INTO v_thread;
  IF p_fault_after = 'thread' THEN RAISE EXCEPTION 'injected fault after %', p_fault_after; END IF;

  -- last_seq = 2: the two events below, so the run row is written once.
  INSERT INTO runs (command_id, thread_id, kind, namespace, input, metadata, last_seq)
  VALUES (v_command, v_thread, p_kind, p_namespace, p_input, p_metadata, 2) RETURNING id INTO v_run;
  IF p_fault_after = 'run' THEN RAISE EXCEPTION 'injected fault after %', p_fault_after; END IF;

  INSERT INTO tasks (run_id, task_type, input, max_attempts, priority, timeout_seconds)
  VALUES (v_run, p_kind, p_input, p_max_attempts, p_priority, p_timeout_seconds) RETURNING id INTO v_task;
  IF p_fault_after = 'task' THEN RAISE EXCEPTION 'injected fault after %', p_fault_after; END IF;

  INSERT INTO queue_items (task_id, run_id, task_type, priority, max_attempts, timeout_seconds)
  VALUES (v_task, v_run, p_kind, p_priority, p_max_attempts, p_timeout_seconds) RETURNING id INTO v_item;
  IF p_fault_after = 'queue_item' THEN RAISE EXCEPTION 'injected fault after %', p_fault_after; END IF;

  INSERT INTO ledger_events (run_id, seq, task_id, type, actor, data) VALUES
    (v_run, 1, NULL, 'run.queued', p_created_by, jsonb_build_object('kind', p_kind, 'commandId', v_command)),
    (v_run, 2, v_task, 'task.queued', p_created_by, jsonb_build_object('taskType', p_kind));
  IF p_fault_after = 'ledger' THEN RAISE EXCEPTION 'injected fault after %', p_fault_after; END IF;

  INSERT INTO outbox (topic, payload)
  VALUES ('syntra.wake.' || p_kind, jsonb_build_object('runId', v_run, 'taskId', v_task, 'queueItemId', v_item))
  RETURNING id INTO v_outbox;
  IF p_fault_after = 'outbox' THEN RAISE EXCEPTION 'injected fault after %', p_fault_after; END IF;

  RETURN QUERY SELECT true, true, v_command, v_thread, v_run, 'queued'::text, v_task, v_item, v_outbox;
END $$;

-- Cancels one (already locked) open queue item and its task.
-- A leased item keeps its lease token so the worker holding it gets a clean answer.
CREATE FUNCTION syntra_cancel_item(p_item_id uuid, p_actor text, p_reason text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_item queue_items;
BEGIN
  UPDATE queue_items q SET state = 'cancelled', lease_expires_at = NULL
  WHERE q.id = p_item_id AND q.state IN ('available', 'leased') RETURNING * INTO v_item;
  IF NOT FOUND THEN RETURN; END IF;
  UPDATE tasks t SET status = 'cancelled', finished_at = now()
  WHERE t.id = v_item.task_id AND t.status IN ('queued', 'running', 'retrying');
  PERFORM syntra_append_event(v_item.run_id, v_item.task_id, 'task.cancelled', p_actor, jsonb_build_object('reason', p_reason));
END $$;

-- Closes the open work of a run that has just finished (caller holds the run lock).
-- Items locked by a concurrent claim/complete/fail are skipped rather than waited for (that
-- would invert the lock order); those callers see the finished run once they get the run lock
-- and cancel their item themselves.
CREATE FUNCTION syntra_close_open_work(p_run_id uuid, p_actor text, p_reason text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
  v_count integer := 0;
BEGIN
  FOR v_id IN
    SELECT q.id FROM queue_items q WHERE q.run_id = p_run_id AND q.state IN ('available', 'leased')
    ORDER BY q.id FOR UPDATE SKIP LOCKED
  LOOP
    PERFORM syntra_cancel_item(v_id, p_actor, p_reason);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END $$;

-- Dead-letters one (already locked) queue item: task failed, run failed with the error.
CREATE FUNCTION syntra_dead_letter(p_item_id uuid, p_error jsonb, p_actor text)
RETURNS TABLE (run_id uuid, run_status text, run_duration_seconds double precision)
LANGUAGE plpgsql AS $$
DECLARE
  v_item queue_items;
  v_run runs;
BEGIN
  SELECT * INTO v_item FROM queue_items q WHERE q.id = p_item_id;
  SELECT * INTO v_run FROM runs r WHERE r.id = v_item.run_id FOR UPDATE;
  IF v_run.status NOT IN ('queued', 'running') THEN
    PERFORM syntra_cancel_item(p_item_id, p_actor, 'run ' || v_run.status);
    RETURN QUERY SELECT v_run.id, v_run.status, NULL::double precision;
    RETURN;
  END IF;
  UPDATE queue_items q SET state = 'dead', lease_expires_at = NULL, last_error = p_error
  WHERE q.id = p_item_id RETURNING * INTO v_item;
  UPDATE tasks t SET status = 'failed', error = p_error, finished_at = now() WHERE t.id = v_item.task_id;
  PERFORM syntra_append_event(v_item.run_id, v_item.task_id, 'task.failed', p_actor,
    jsonb_build_object('attempt', v_item.attempts, 'error', p_error));
  UPDATE runs r SET status = 'failed', finished_at = now(),
    error = p_error || jsonb_build_object('taskId', v_item.task_id, 'taskType', v_item.task_type)
  WHERE r.id = v_run.id;
  PERFORM syntra_close_open_work(v_run.id, p_actor, 'run failed');
  PERFORM syntra_append_event(v_run.id, v_item.task_id, 'run.failed', p_actor,
    jsonb_build_object('error', p_error, 'taskId', v_item.task_id));
  RETURN QUERY SELECT v_run.id, 'failed'::text, extract(epoch FROM now() - v_run.created_at)::double precision;
END $$;

-- Claims up to p_limit items of the given task types, highest priority first, then oldest.
-- Expired leases of these types are taken over first (outcome 'reclaimed'); an expired item
-- that has used all its attempts is dead-lettered instead (outcome 'dead', no lease token):
-- callers count those as lease expiries and hand out only the other rows.
CREATE FUNCTION claim_queue_items(p_worker_id text, p_task_types text[], p_limit integer, p_lease_seconds integer)
RETURNS TABLE (
  outcome text, queue_item_id uuid, task_id uuid, run_id uuid, task_type text, input jsonb, attempt integer,
  lease_token uuid, lease_expires_at timestamptz, timeout_seconds integer, wait_seconds double precision,
  run_status text, run_duration_seconds double precision
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
        NULL::uuid, NULL::timestamptz, NULL::integer, NULL::double precision, v_dead.run_status, v_dead.run_duration_seconds;
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
      lease_token = gen_random_uuid(), lease_expires_at = now() + v_lease
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
    i.lease_expires_at, i.timeout_seconds, i.wait_seconds, NULL::text, NULL::double precision
  FROM items i JOIN started s ON s.id = i.task_id
  ORDER BY array_position(v_claimed, i.id);
END $$;

-- Outcome of renew / complete / fail / release when the token does not fit.
CREATE FUNCTION syntra_lease_check(p_item queue_items, p_token uuid)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_item.id IS NULL THEN 'not_found'
    WHEN p_item.lease_token IS DISTINCT FROM p_token THEN 'lease_lost'
    WHEN p_item.state = 'cancelled' THEN 'run_finished'
    ELSE p_item.state
  END
$$;

CREATE FUNCTION syntra_renew_queue_item(p_item_id uuid, p_token uuid, p_lease_seconds integer)
RETURNS TABLE (outcome text, lease_expires_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  v_item queue_items;
  v_check text;
BEGIN
  SELECT * INTO v_item FROM queue_items q WHERE q.id = p_item_id FOR UPDATE;
  v_check := syntra_lease_check(v_item, p_token);
  IF v_check <> 'leased' THEN
    RETURN QUERY SELECT CASE WHEN v_check IN ('not_found', 'run_finished') THEN v_check ELSE 'lease_lost' END, NULL::timestamptz;
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM runs r WHERE r.id = v_item.run_id AND r.status NOT IN ('queued', 'running')) THEN
    RETURN QUERY SELECT 'run_finished'::text, NULL::timestamptz;
    RETURN;
  END IF;
  RETURN QUERY UPDATE queue_items q SET lease_expires_at = now() + make_interval(secs => p_lease_seconds)
    WHERE q.id = p_item_id RETURNING 'renewed'::text, q.lease_expires_at;
END $$;

-- Completes a leased item: custom events, task succeeded, follow-up tasks (with their queue
-- items and wakeup outbox rows), and the run's success when nothing of it is left open.
-- Outcomes: completed | already_completed | run_finished | lease_lost | not_found.
-- Hot path: the run row is locked first and written ONCE at the end (last_seq bumped by every
-- event appended here, plus the status when the run ends); events are numbered from the locked
-- last_seq and inserted directly, custom events + task.succeeded in one multi-row INSERT.
CREATE FUNCTION syntra_complete_queue_item(
  p_item_id uuid, p_token uuid, p_output jsonb, p_events jsonb, p_follow_ups jsonb,
  p_run_output jsonb, p_has_run_output boolean, p_finish_run boolean
) RETURNS TABLE (outcome text, run_id uuid, run_status text, run_duration_seconds double precision, follow_up_task_ids uuid[])
LANGUAGE plpgsql AS $$
DECLARE
  v_item queue_items;
  v_check text;
  v_run runs;
  v_actor text;
  v_seq integer;
  v_follow jsonb;
  v_task_id uuid;
  v_item_id uuid;
  v_priority integer;
  v_follow_ids uuid[] := '{}';
BEGIN
  SELECT * INTO v_item FROM queue_items q WHERE q.id = p_item_id FOR UPDATE;
  v_check := syntra_lease_check(v_item, p_token);
  IF v_check <> 'leased' THEN
    RETURN QUERY SELECT CASE v_check WHEN 'done' THEN 'already_completed' WHEN 'available' THEN 'lease_lost'
      WHEN 'dead' THEN 'lease_lost' ELSE v_check END, v_item.run_id, NULL::text, NULL::double precision, NULL::uuid[];
    RETURN;
  END IF;
  v_actor := v_item.lease_owner;
  SELECT * INTO v_run FROM runs r WHERE r.id = v_item.run_id FOR UPDATE;
  IF v_run.status NOT IN ('queued', 'running') THEN
    PERFORM syntra_cancel_item(p_item_id, v_actor, 'run ' || v_run.status);
    RETURN QUERY SELECT 'run_finished'::text, v_run.id, v_run.status, NULL::double precision, NULL::uuid[];
    RETURN;
  END IF;
  v_seq := v_run.last_seq;

  UPDATE queue_items q SET state = 'done', lease_expires_at = NULL WHERE q.id = p_item_id;
  UPDATE tasks t SET status = 'succeeded', output = p_output, error = NULL, finished_at = now()
  WHERE t.id = v_item.task_id RETURNING t.priority INTO v_priority;

  INSERT INTO ledger_events (run_id, seq, task_id, type, actor, data)
  SELECT v_item.run_id, v_seq + e.ord, v_item.task_id, e.x->>'type', v_actor, coalesce(e.x->'data', '{}'::jsonb)
  FROM jsonb_array_elements(coalesce(p_events, '[]'::jsonb)
         || jsonb_build_array(jsonb_build_object('type', 'task.succeeded', 'data', jsonb_build_object('attempt', v_item.attempts))))
       WITH ORDINALITY AS e(x, ord);
  v_seq := v_seq + jsonb_array_length(coalesce(p_events, '[]'::jsonb)) + 1;

  FOR v_follow IN SELECT f FROM jsonb_array_elements(coalesce(p_follow_ups, '[]'::jsonb)) f LOOP
    -- clock_timestamp(), not now(): sibling follow-ups of one completion list in the order given.
    INSERT INTO tasks (run_id, parent_task_id, task_type, input, max_attempts, priority, timeout_seconds, created_at)
    VALUES (v_item.run_id, v_item.task_id, v_follow->>'taskType', coalesce(v_follow->'input', '{}'::jsonb),
      coalesce((v_follow->>'maxAttempts')::int, 3), coalesce((v_follow->>'priority')::int, v_priority),
      coalesce((v_follow->>'timeoutSeconds')::int, 300), clock_timestamp())
    RETURNING id INTO v_task_id;
    INSERT INTO queue_items (task_id, run_id, task_type, priority, max_attempts, timeout_seconds)
    SELECT t.id, t.run_id, t.task_type, t.priority, t.max_attempts, t.timeout_seconds FROM tasks t WHERE t.id = v_task_id
    RETURNING id INTO v_item_id;
    INSERT INTO outbox (topic, payload) VALUES ('syntra.wake.' || (v_follow->>'taskType'),
      jsonb_build_object('runId', v_item.run_id, 'taskId', v_task_id, 'queueItemId', v_item_id));
    v_seq := v_seq + 1;
    INSERT INTO ledger_events (run_id, seq, task_id, type, actor, data)
    VALUES (v_item.run_id, v_seq, v_task_id, 'task.queued', v_actor,
      jsonb_build_object('taskType', v_follow->>'taskType', 'parentTaskId', v_item.task_id));
    v_follow_ids := v_follow_ids || v_task_id;
  END LOOP;

  IF (p_finish_run OR NOT EXISTS (
      SELECT 1 FROM tasks t WHERE t.run_id = v_item.run_id AND t.status IN ('queued', 'running', 'retrying'))) THEN
    IF EXISTS (SELECT 1 FROM queue_items q WHERE q.run_id = v_run.id AND q.state IN ('available', 'leased')) THEN
      -- Cancelling the rest appends through syntra_append_event, which numbers from last_seq.
      UPDATE runs r SET last_seq = v_seq WHERE r.id = v_run.id;
      PERFORM syntra_close_open_work(v_run.id, v_actor, 'run finished');
      SELECT r.last_seq INTO v_seq FROM runs r WHERE r.id = v_run.id;
    END IF;
    v_seq := v_seq + 1;
    INSERT INTO ledger_events (run_id, seq, task_id, type, actor, data)
    VALUES (v_run.id, v_seq, v_item.task_id, 'run.succeeded', v_actor, '{}'::jsonb);
    UPDATE runs r SET status = 'succeeded', finished_at = now(), last_seq = v_seq,
      output = CASE WHEN p_has_run_output THEN p_run_output ELSE p_output END
    WHERE r.id = v_run.id;
    RETURN QUERY SELECT 'completed'::text, v_run.id, 'succeeded'::text,
      extract(epoch FROM now() - v_run.created_at)::double precision, v_follow_ids;
    RETURN;
  END IF;
  UPDATE runs r SET last_seq = v_seq WHERE r.id = v_run.id;
  RETURN QUERY SELECT 'completed'::text, v_run.id, v_run.status, NULL::double precision, v_follow_ids;
END $$;

-- Fails one attempt of a leased item: a retry after exponential backoff with equal jitter
-- (delay = d/2 + random·d/2, d = min(cap, base·2^(attempt-1))), or dead-letter when the error
-- is not retryable or the attempts are used up.
-- Outcomes: retry | dead | already_failed | run_finished | lease_lost | not_found.
CREATE FUNCTION syntra_fail_queue_item(
  p_item_id uuid, p_token uuid, p_error jsonb, p_retryable boolean, p_base_ms integer, p_cap_ms integer
) RETURNS TABLE (outcome text, dead boolean, retry_at timestamptz, run_id uuid, run_status text, run_duration_seconds double precision)
LANGUAGE plpgsql AS $$
DECLARE
  v_item queue_items;
  v_check text;
  v_delay_ms double precision;
  v_dead record;
  v_run_status text;
BEGIN
  SELECT * INTO v_item FROM queue_items q WHERE q.id = p_item_id FOR UPDATE;
  v_check := syntra_lease_check(v_item, p_token);
  IF v_check = 'available' THEN
    RETURN QUERY SELECT 'already_failed'::text, false, v_item.available_at, v_item.run_id, NULL::text, NULL::double precision;
    RETURN;
  ELSIF v_check = 'dead' THEN
    RETURN QUERY SELECT 'already_failed'::text, true, NULL::timestamptz, v_item.run_id, NULL::text, NULL::double precision;
    RETURN;
  ELSIF v_check <> 'leased' THEN
    RETURN QUERY SELECT CASE v_check WHEN 'done' THEN 'lease_lost' ELSE v_check END, v_check = 'run_finished',
      NULL::timestamptz, v_item.run_id, NULL::text, NULL::double precision;
    RETURN;
  END IF;

  SELECT r.status INTO v_run_status FROM runs r WHERE r.id = v_item.run_id FOR UPDATE;
  IF v_run_status NOT IN ('queued', 'running') THEN
    PERFORM syntra_cancel_item(p_item_id, v_item.lease_owner, 'run ' || v_run_status);
    RETURN QUERY SELECT 'run_finished'::text, true, NULL::timestamptz, v_item.run_id, v_run_status, NULL::double precision;
    RETURN;
  END IF;

  IF NOT p_retryable OR v_item.attempts >= v_item.max_attempts THEN
    SELECT * INTO v_dead FROM syntra_dead_letter(p_item_id, p_error, v_item.lease_owner);
    RETURN QUERY SELECT 'dead'::text, true, NULL::timestamptz, v_dead.run_id, v_dead.run_status, v_dead.run_duration_seconds;
    RETURN;
  END IF;

  v_delay_ms := least(p_cap_ms::double precision, p_base_ms * power(2, v_item.attempts - 1));
  v_delay_ms := v_delay_ms / 2 + random() * v_delay_ms / 2;
  UPDATE queue_items q SET state = 'available', lease_expires_at = NULL, last_error = p_error,
    available_at = clock_timestamp() + make_interval(secs => v_delay_ms / 1000)
  WHERE q.id = p_item_id RETURNING * INTO v_item;
  UPDATE tasks t SET status = 'retrying', error = p_error WHERE t.id = v_item.task_id;
  PERFORM syntra_append_event(v_item.run_id, v_item.task_id, 'task.retrying', v_item.lease_owner,
    jsonb_build_object('attempt', v_item.attempts, 'error', p_error, 'retryAt', v_item.available_at));
  RETURN QUERY SELECT 'retry'::text, false, v_item.available_at, v_item.run_id, NULL::text, NULL::double precision;
END $$;

-- Gives a leased item back without counting the attempt (graceful worker shutdown).
-- Outcomes: released | run_finished | lease_lost | not_found.
CREATE FUNCTION syntra_release_queue_item(p_item_id uuid, p_token uuid)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_item queue_items;
  v_check text;
BEGIN
  SELECT * INTO v_item FROM queue_items q WHERE q.id = p_item_id FOR UPDATE;
  v_check := syntra_lease_check(v_item, p_token);
  IF v_check <> 'leased' THEN
    RETURN CASE WHEN v_check IN ('not_found', 'run_finished') THEN v_check ELSE 'lease_lost' END;
  END IF;
  IF (SELECT r.status FROM runs r WHERE r.id = v_item.run_id FOR UPDATE) NOT IN ('queued', 'running') THEN
    PERFORM syntra_cancel_item(p_item_id, v_item.lease_owner, 'run finished');
    RETURN 'run_finished';
  END IF;
  UPDATE queue_items q SET state = 'available', attempts = greatest(q.attempts - 1, 0), available_at = now(),
    lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
  WHERE q.id = p_item_id;
  UPDATE tasks t SET status = 'queued', attempts = greatest(t.attempts - 1, 0) WHERE t.id = v_item.task_id;
  PERFORM syntra_append_event(v_item.run_id, v_item.task_id, 'task.released', v_item.lease_owner,
    jsonb_build_object('attempt', v_item.attempts, 'reason', 'worker shutdown'));
  RETURN 'released';
END $$;
