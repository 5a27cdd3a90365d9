-- Alerts in: every alert Syntra receives (Alertmanager, the generic webhook), deduplicated by
-- fingerprint within a window. A firing alert that is investigated points at its run; alerts of
-- one notification about the same target share that run. Once the run finishes, the follow-up
-- loop records the incident it produced (and resolves it when the alert resolved meanwhile).
-- The control registry gains two entity types: the alert rules and the notification channels.

ALTER TABLE control_change DROP CONSTRAINT control_change_entity_type_check;
ALTER TABLE control_change ADD CONSTRAINT control_change_entity_type_check
  CHECK (entity_type IN ('prompt', 'skill', 'tool', 'routing_rule', 'arbiter_policy', 'rollback', 'alert_rule', 'notification_channel'));

CREATE TABLE alerts (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  source text NOT NULL CHECK (source IN ('alertmanager', 'generic')),
  fingerprint text NOT NULL CHECK (length(fingerprint) BETWEEN 1 AND 200),
  status text NOT NULL CHECK (status IN ('firing', 'resolved')),
  alertname text NOT NULL,
  severity text,
  namespace text,
  target_kind text,
  target_name text,
  -- Alerts about one workload share a group: one investigation per group at a time.
  group_key text NOT NULL,
  labels jsonb NOT NULL DEFAULT '{}',
  annotations jsonb NOT NULL DEFAULT '{}',
  starts_at timestamptz,
  ends_at timestamptz,
  -- investigate | ignored (a rule) | skipped (outside the credential's namespaces, group bound)
  decision text NOT NULL CHECK (decision IN ('investigate', 'ignored', 'skipped')),
  reason text NOT NULL DEFAULT '',
  run_id uuid REFERENCES runs(id),
  incident_id uuid REFERENCES incidents(id),
  receive_count integer NOT NULL DEFAULT 1,
  first_received timestamptz NOT NULL DEFAULT now(),
  last_received timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  -- Set once the run finished and its outcome was carried over (incident, notifications).
  followed_up_at timestamptz,
  created_by text
);
CREATE INDEX alerts_fingerprint_idx ON alerts (fingerprint, last_received DESC);
CREATE INDEX alerts_recent_idx ON alerts (last_received DESC, id DESC);
CREATE INDEX alerts_run_idx ON alerts (run_id);
CREATE INDEX alerts_group_idx ON alerts (group_key, last_received DESC);
CREATE INDEX alerts_pending_follow_up_idx ON alerts (first_received) WHERE followed_up_at IS NULL AND run_id IS NOT NULL;
