-- Incident memory retention (issue 13): incidents not seen for longer than the retention age are
-- summarised, never dropped: the heavy parts (symptoms, quoted evidence) go, the root cause,
-- counts and fix stay, with when it was summarised and what was counted.
ALTER TABLE incidents
  ADD COLUMN summarised_at timestamptz,
  ADD COLUMN summarised_counts jsonb;
CREATE INDEX incidents_retention_idx ON incidents (last_seen) WHERE summarised_at IS NULL;
