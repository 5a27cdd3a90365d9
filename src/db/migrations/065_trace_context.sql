-- Trace context (W3C traceparent) of a run, so its trace survives the hand-over between the API
-- process and the workers (docs/observability.md). The submit sets `syntra.trace_parent` in its
-- own transaction when tracing is on; the run keeps it, and every queue item of the run and
-- every wakeup (outbox row) about it carries it, whichever SQL function inserts them. With
-- tracing off the setting is never set and the columns stay NULL.

ALTER TABLE runs ADD COLUMN trace_parent text;
ALTER TABLE queue_items ADD COLUMN trace_parent text;

CREATE FUNCTION syntra_run_trace_parent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.trace_parent := nullif(current_setting('syntra.trace_parent', true), '');
  RETURN NEW;
END $$;
CREATE TRIGGER runs_trace_parent BEFORE INSERT ON runs
  FOR EACH ROW WHEN (NEW.trace_parent IS NULL) EXECUTE FUNCTION syntra_run_trace_parent();

CREATE FUNCTION syntra_queue_item_trace_parent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT r.trace_parent INTO NEW.trace_parent FROM runs r WHERE r.id = NEW.run_id;
  RETURN NEW;
END $$;
CREATE TRIGGER queue_items_trace_parent BEFORE INSERT ON queue_items
  FOR EACH ROW WHEN (NEW.trace_parent IS NULL) EXECUTE FUNCTION syntra_queue_item_trace_parent();

CREATE FUNCTION syntra_outbox_trace_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_parent text;
BEGIN
  SELECT r.trace_parent INTO v_parent FROM runs r WHERE r.id = (NEW.payload->>'runId')::uuid;
  IF v_parent IS NOT NULL THEN NEW.payload := NEW.payload || jsonb_build_object('traceparent', v_parent); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER outbox_trace_parent BEFORE INSERT ON outbox
  FOR EACH ROW WHEN (jsonb_typeof(NEW.payload) = 'object' AND NEW.payload ? 'runId' AND NOT NEW.payload ? 'traceparent')
  EXECUTE FUNCTION syntra_outbox_trace_parent();
