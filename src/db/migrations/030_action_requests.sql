-- Actions: typed writes to the cluster that wait for a person's approval. One row per proposed
-- action, its dry-run, the decision (who, when, why), the execution and the Reviewer's
-- verification. The row is the approval's state; its history is in the ledger of the
-- proposal's run and in the audit trail.

CREATE TABLE action_requests (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  namespace text NOT NULL,
  action text NOT NULL,
  target jsonb NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  risk text NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
  expected_effect text NOT NULL,
  verification_plan text NOT NULL,
  status text NOT NULL CHECK (status IN ('proposed', 'pending_approval', 'dry_run_failed', 'approved', 'rejected', 'expired', 'executing', 'failed', 'verified', 'verification_failed')),
  reason text NOT NULL,
  -- user:<id>, key:<id> or run:<id> (an agent); requested_by_user is the human behind it, if any.
  requested_by text NOT NULL,
  requested_by_user text,
  source_run_id uuid REFERENCES runs(id),
  proposal_run_id uuid REFERENCES runs(id),
  execution_run_id uuid REFERENCES runs(id),
  dry_run jsonb,
  resource_version text,
  destructive text,
  expires_at timestamptz NOT NULL,
  decided_by text,
  decided_by_user text,
  decided_at timestamptz,
  decision_reason text,
  execution jsonb,
  verification jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_requests_recent_idx ON action_requests (created_at DESC, id DESC);
CREATE INDEX action_requests_namespace_idx ON action_requests (namespace, status, created_at DESC);
