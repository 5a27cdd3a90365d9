-- Actions, second part: cluster-scoped targets (a node has no namespace: only callers over every
-- namespace see, propose or approve such an action), what the Reviewer watches for after an
-- execution (the diagnosis's error line and the workload it was seen in), and self-healing:
-- the root-cause type a run proposed the action for, the workload it counts against, and the
-- arbiter policy rule that approved it when no person did.

ALTER TABLE action_requests ALTER COLUMN namespace DROP NOT NULL;
ALTER TABLE action_requests ADD COLUMN root_cause_type text;
ALTER TABLE action_requests ADD COLUMN error_line text;
ALTER TABLE action_requests ADD COLUMN subject jsonb;
ALTER TABLE action_requests ADD COLUMN workload text;
ALTER TABLE action_requests ADD COLUMN approved_by_policy text;

-- "At most N per hour per workload": the policy approvals of one workload, newest first.
CREATE INDEX action_requests_policy_rate_idx ON action_requests (workload, decided_at DESC) WHERE approved_by_policy IS NOT NULL;
