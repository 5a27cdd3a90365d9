-- Trace context (W3C traceparent) of a run, so its trace survives the hand-over between the API
-- process and the workers (docs/observability.md). When tracing is on, the submit sets
-- `syntra.trace_parent` in its own transaction; the run, its first queue item and its wakeup
-- outbox row take it as their default. A later task's queue item falls back to its run's (the
-- worker reads both after a claim, only while tracing is on). With tracing off the setting is
-- never set and every value is NULL: a column default, no trigger, nothing on the hot path.

ALTER TABLE runs ADD COLUMN trace_parent text DEFAULT nullif(current_setting('syntra.trace_parent', true), '');
ALTER TABLE queue_items ADD COLUMN trace_parent text DEFAULT nullif(current_setting('syntra.trace_parent', true), '');
ALTER TABLE outbox ADD COLUMN trace_parent text DEFAULT nullif(current_setting('syntra.trace_parent', true), '');
