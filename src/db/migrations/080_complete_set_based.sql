-- Set-based completion of a batch: the common completion (no custom events, no follow-ups, no
-- finishRun, the item's lease intact, its run open, at most one such item per run in the batch)
-- is done for the whole batch in a few statements instead of one PL/pgSQL call per item, each
-- of which ran ~10 statements of its own. Everything else in the batch (and anything that is not
-- plainly the common case: a run whose tasks are all closed but that still has open items, a
-- second item of one run, a stale token, a finished run) goes through syntra_complete_queue_item
-- exactly as before, in the same transaction, so the answers and fencing are unchanged.
--
-- Events and run row as syntra_complete_queue_item writes them: task.succeeded {attempt}, and
-- when the run has no other open task, run.succeeded and the run's status, finished_at and output
-- (runOutput when given, else the task's output); last_seq bumped by what was appended.
--
-- Rows: one per element of p_completions (ord = its 1-based position), the columns of
-- syntra_complete_queue_item.
CREATE FUNCTION syntra_complete_queue_items(p_completions jsonb)
RETURNS TABLE (ord bigint, outcome text, run_id uuid, run_status text, run_duration_seconds double precision, follow_up_task_ids uuid[])
LANGUAGE plpgsql AS $$
DECLARE
  v_ord bigint[];
  v_item uuid[];
  v_run uuid[];
  v_fast bigint[] := '{}';
BEGIN
  -- Lock order as everywhere: the queue items (by id), then their runs (by id).
  SELECT coalesce(array_agg(c.ord), '{}'), coalesce(array_agg(c.id), '{}'), coalesce(array_agg(c.run_id), '{}')
    INTO v_ord, v_item, v_run
    FROM (
      SELECT e.ord, q.id, q.run_id
        FROM jsonb_array_elements(coalesce(p_completions, '[]'::jsonb)) WITH ORDINALITY AS e(x, ord)
        JOIN queue_items q ON q.id = (e.x->>'queueItemId')::uuid
       WHERE q.state = 'leased' AND q.lease_token = (e.x->>'leaseToken')::uuid
         AND coalesce(jsonb_array_length(e.x->'events'), 0) = 0
         AND coalesce(jsonb_array_length(e.x->'followUps'), 0) = 0
         AND NOT coalesce((e.x->>'finishRun')::boolean, false)
       ORDER BY q.id
         FOR UPDATE OF q
    ) c;

  IF cardinality(v_ord) > 0 THEN
    PERFORM 1 FROM runs r WHERE r.id = ANY(v_run) ORDER BY r.id FOR UPDATE;
    -- The fast set: first element per run (a run's second item of the batch numbers its events
    -- after the first one's, which the per-item path does), run open, and when the run would
    -- finish, nothing else of it left open that close_open_work would have to cancel.
    SELECT coalesce(array_agg(f.ord), '{}') INTO v_fast FROM (
      SELECT c.ord, c.item_id, c.run_id, row_number() OVER (PARTITION BY c.run_id ORDER BY c.ord) AS nth
        FROM unnest(v_ord, v_item, v_run) AS c(ord, item_id, run_id)
    ) f
    JOIN runs r ON r.id = f.run_id
    JOIN queue_items q ON q.id = f.item_id
    WHERE f.nth = 1 AND r.status IN ('queued', 'running')
      AND (EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = f.run_id AND t.id <> q.task_id AND t.status IN ('queued', 'running', 'retrying'))
           OR NOT EXISTS (SELECT 1 FROM queue_items o WHERE o.run_id = f.run_id AND o.id <> f.item_id AND o.state IN ('available', 'leased')));
  END IF;

  IF cardinality(v_fast) > 0 THEN
    RETURN QUERY
    WITH input AS (
      SELECT e.ord, (e.x->>'queueItemId')::uuid AS item_id, e.x->'output' AS output, e.x->'runOutput' AS run_output,
        coalesce((e.x->>'hasRunOutput')::boolean, false) AS has_run_output
        FROM jsonb_array_elements(p_completions) WITH ORDINALITY AS e(x, ord)
       WHERE e.ord = ANY(v_fast)
    ), items AS (
      UPDATE queue_items q SET state = 'done', lease_expires_at = NULL
        FROM input i WHERE q.id = i.item_id
      RETURNING i.ord, q.task_id, q.run_id, q.attempts, q.lease_owner, i.output, i.run_output, i.has_run_output
    ), done AS (
      -- Whether the run has any other open task: then it stays open (the snapshot of this
      -- statement still sees this task as running, so it is excluded by id).
      SELECT i.*, NOT EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = i.run_id AND t.id <> i.task_id
                                AND t.status IN ('queued', 'running', 'retrying')) AS finishes
        FROM items i
    ), tasks_done AS ( -- data-modifying: runs whether or not it is read
      UPDATE tasks t SET status = 'succeeded', output = d.output, error = NULL, finished_at = now()
        FROM done d WHERE t.id = d.task_id
      RETURNING t.id
    ), bumped AS (
      UPDATE runs r SET last_seq = r.last_seq + CASE WHEN d.finishes THEN 2 ELSE 1 END,
        status = CASE WHEN d.finishes THEN 'succeeded' ELSE r.status END,
        finished_at = CASE WHEN d.finishes THEN now() ELSE r.finished_at END,
        output = CASE WHEN NOT d.finishes THEN r.output WHEN d.has_run_output THEN d.run_output ELSE d.output END
        FROM done d WHERE r.id = d.run_id
      RETURNING r.id, r.last_seq, r.status, r.created_at
    ), appended AS (
      INSERT INTO ledger_events (run_id, seq, task_id, type, actor, data)
      SELECT d.run_id, b.last_seq - CASE WHEN d.finishes THEN 1 ELSE 0 END, d.task_id, 'task.succeeded', d.lease_owner,
             jsonb_build_object('attempt', d.attempts)
        FROM done d JOIN bumped b ON b.id = d.run_id
      UNION ALL
      SELECT d.run_id, b.last_seq, d.task_id, 'run.succeeded', d.lease_owner, '{}'::jsonb
        FROM done d JOIN bumped b ON b.id = d.run_id WHERE d.finishes
    )
    SELECT d.ord, 'completed'::text, d.run_id, b.status,
      CASE WHEN d.finishes THEN extract(epoch FROM now() - b.created_at)::double precision END, '{}'::uuid[]
      FROM done d JOIN bumped b ON b.id = d.run_id;
  END IF;

  RETURN QUERY
  SELECT e.ord, r.outcome, r.run_id, r.run_status, r.run_duration_seconds, r.follow_up_task_ids
    FROM jsonb_array_elements(coalesce(p_completions, '[]'::jsonb)) WITH ORDINALITY AS e(x, ord)
   CROSS JOIN LATERAL syntra_complete_queue_item((e.x->>'queueItemId')::uuid, (e.x->>'leaseToken')::uuid, e.x->'output',
     e.x->'events', e.x->'followUps', e.x->'runOutput', (e.x->>'hasRunOutput')::boolean, (e.x->>'finishRun')::boolean) r
   WHERE NOT (e.ord = ANY(v_fast))
   ORDER BY e.ord;
END $$;
ALTER FUNCTION syntra_complete_queue_items(jsonb) ROWS 16;

-- The batch half of complete-and-claim now goes through the set-based completion.
CREATE OR REPLACE FUNCTION syntra_complete_and_claim(
  p_completions jsonb, p_worker_id text, p_task_types text[], p_limit integer, p_lease_seconds integer,
  p_namespaces text[] DEFAULT NULL, p_credential text DEFAULT NULL
) RETURNS TABLE (
  ord bigint, outcome text, run_id uuid, run_status text, run_duration_seconds double precision, follow_up_task_ids uuid[],
  queue_item_id uuid, task_id uuid, task_type text, input jsonb, attempt integer, lease_token uuid,
  lease_expires_at timestamptz, timeout_seconds integer, wait_seconds double precision, namespace text
) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  SELECT r.ord, r.outcome, r.run_id, r.run_status, r.run_duration_seconds, r.follow_up_task_ids,
    NULL::uuid, NULL::uuid, NULL::text, NULL::jsonb, NULL::integer, NULL::uuid, NULL::timestamptz, NULL::integer,
    NULL::double precision, NULL::text
  FROM syntra_complete_queue_items(p_completions) r;

  IF p_limit IS NULL OR p_limit < 1 OR cardinality(p_task_types) = 0 THEN RETURN; END IF;
  RETURN QUERY
  SELECT NULL::bigint, c.outcome, c.run_id, c.run_status, c.run_duration_seconds, NULL::uuid[],
    c.queue_item_id, c.task_id, c.task_type, c.input, c.attempt, c.lease_token, c.lease_expires_at, c.timeout_seconds,
    c.wait_seconds, c.namespace
  FROM claim_queue_items(p_worker_id, p_task_types, p_limit, p_lease_seconds, p_namespaces, p_credential) c;
END $$;
