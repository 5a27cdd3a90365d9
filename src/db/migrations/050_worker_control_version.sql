-- Which control-registry version a worker has loaded, reported with its announcement and again
-- as soon as it reloads a newer one: the panel shows operators whether a change has reached the
-- running workers. NULL: the worker runs no control-driven handlers (or is a remote worker).
ALTER TABLE workers ADD COLUMN control_version integer;
