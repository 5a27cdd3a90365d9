-- One commit per batch for a busy worker: the completions of the last batch and the claim of the
-- next one in ONE statement and ONE transaction (graphile-worker's local queue does the same
-- with its batched completions). Completions run first, each through syntra_complete_queue_item
-- (same fencing: a stale lease token is refused and changes nothing), then claim_queue_items
-- fills the room the caller has. If anything raises, nothing of either half is committed: the
-- leases of the completed items stay valid (the caller retries), and nothing was claimed.
--
-- Rows: one per completion (ord = its 1-based position in p_completions; outcome, run_id,
-- run_status, run_duration_seconds, follow_up_task_ids as syntra_complete_queue_item answers),
-- then one per claimed item (ord NULL; the columns of claim_queue_items).
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
  SELECT e.ord, r.outcome, r.run_id, r.run_status, r.run_duration_seconds, r.follow_up_task_ids,
    NULL::uuid, NULL::uuid, NULL::text, NULL::jsonb, NULL::integer, NULL::uuid, NULL::timestamptz, NULL::integer,
    NULL::double precision, NULL::text
  FROM jsonb_array_elements(coalesce(p_completions, '[]'::jsonb)) WITH ORDINALITY AS e(x, ord)
  CROSS JOIN LATERAL syntra_complete_queue_item((e.x->>'queueItemId')::uuid, (e.x->>'leaseToken')::uuid, e.x->'output',
    e.x->'events', e.x->'followUps', e.x->'runOutput', (e.x->>'hasRunOutput')::boolean, (e.x->>'finishRun')::boolean) r
  ORDER BY e.ord;

  IF p_limit IS NULL OR p_limit < 1 OR cardinality(p_task_types) = 0 THEN RETURN; END IF;
  RETURN QUERY
  SELECT NULL::bigint, c.outcome, c.run_id, c.run_status, c.run_duration_seconds, NULL::uuid[],
    c.queue_item_id, c.task_id, c.task_type, c.input, c.attempt, c.lease_token, c.lease_expires_at, c.timeout_seconds,
    c.wait_seconds, c.namespace
  FROM claim_queue_items(p_worker_id, p_task_types, p_limit, p_lease_seconds, p_namespaces, p_credential) c;
END $$;

-- Row estimates: a set-returning function is assumed to return 1,000 rows. Called LATERAL once
-- per completion (completeMany), that made the planner expect 100,000 rows, price the query
-- above jit_inline_above_cost and JIT-compile it on every batch: ~1.1 s of compilation for a
-- ~3 ms statement on this machine (EXPLAIN ANALYZE, see docs/benchmarks.md "queue: where
-- Syntra's time goes"). These answer one row per call, or at most a batch.
ALTER FUNCTION syntra_complete_queue_item(uuid, uuid, jsonb, jsonb, jsonb, jsonb, boolean, boolean) ROWS 1;
ALTER FUNCTION syntra_fail_queue_item(uuid, uuid, jsonb, boolean, integer, integer) ROWS 1;
ALTER FUNCTION syntra_renew_queue_item(uuid, uuid, integer) ROWS 1;
ALTER FUNCTION claim_queue_items(text, text[], integer, integer, text[], text) ROWS 16;
ALTER FUNCTION syntra_complete_and_claim(jsonb, text, text[], integer, integer, text[], text) ROWS 32;
