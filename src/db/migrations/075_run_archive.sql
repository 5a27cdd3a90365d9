-- Retention (issue 17): a finished run older than its retention window is archived. Its run row
-- stays (lists, filters, links from incidents and alerts keep working); its tasks and ledger
-- events move, in the archiving transaction, into ONE row of run_archive (two jsonb arrays,
-- compressed by TOAST), and its finished queue items are dropped (the queue's bookkeeping; what
-- they said is in the tasks). Hot tables and their indexes then only grow with the window.
ALTER TABLE runs ADD COLUMN archived_at timestamptz;
-- What the archiver walks, oldest first: finished runs not archived yet. A run enters it when it
-- finishes (finished_at set) and leaves it when archived.
CREATE INDEX runs_archivable_idx ON runs (finished_at) WHERE archived_at IS NULL AND finished_at IS NOT NULL;

CREATE TABLE run_archive (
  run_id uuid PRIMARY KEY REFERENCES runs(id),
  archived_at timestamptz NOT NULL DEFAULT now(),
  -- to_jsonb of each row, in the order readers list them: tasks by (created_at, id), events by seq.
  tasks jsonb NOT NULL,
  events jsonb NOT NULL
);

-- Per-namespace retention windows live in the control registry, versioned and audited.
ALTER TABLE control_change DROP CONSTRAINT control_change_entity_type_check;
ALTER TABLE control_change ADD CONSTRAINT control_change_entity_type_check
  CHECK (entity_type IN ('prompt', 'skill', 'tool', 'routing_rule', 'arbiter_policy', 'rollback', 'alert_rule', 'notification_channel', 'retention_policy'));
