-- The ledger's key is (run_id, seq): every reader reads a run's events by it (run detail, event
-- pages, SSE resumption, archive), and nothing looks an event up by its id. The primary key index
-- on id was one more index entry per event on the hottest append-only table (six events per
-- one-task run) that no query used. (run_id, seq) becomes the primary key; id stays a column
-- (the API shows it), minted by syntra_uuidv7() like every other id, unique by construction
-- (time + 74 random bits) rather than by an index.
-- One statement, so the table is never without its key (the index is rebuilt once).
ALTER TABLE ledger_events DROP CONSTRAINT ledger_events_pkey, DROP CONSTRAINT ledger_events_run_id_seq_key,
  ADD CONSTRAINT ledger_events_pkey PRIMARY KEY (run_id, seq);
