-- Several clusters: a registry of named clusters (a context of the workers' kubeconfig, or the
-- in-cluster service account). Runs, incidents and alerts carry the cluster they are about;
-- NULL is the default cluster (the workers' current kubeconfig context), so every existing row
-- and every plain-namespace scope keeps its meaning. No foreign key: removing a cluster keeps
-- its history readable.
CREATE TABLE clusters (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,62}$'),
  context text CHECK (context IS NULL OR length(context) BETWEEN 1 AND 253),
  in_cluster boolean NOT NULL DEFAULT false,
  CHECK ((context IS NOT NULL) <> in_cluster),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text
);
ALTER TABLE runs ADD COLUMN cluster text;
ALTER TABLE incidents ADD COLUMN cluster text;
ALTER TABLE alerts ADD COLUMN cluster text;
