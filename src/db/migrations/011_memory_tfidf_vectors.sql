-- Incident memory, issue 13 (second part): vectors as portable real[] (pgvector, where the
-- extension exists, adds a generated vector column and an HNSW index at start:
-- src/incidents/memory/vector-storage.ts), the number of incidents a TF-IDF vector was learned
-- from, and the document frequencies the offline embedder learns from the incidents themselves.
-- The int8/base64 vectors of migration 010 are dropped: every incident is re-embedded in the
-- background (embedding_model NULL marks it stale), and its features are learned first.

ALTER TABLE incidents DROP COLUMN embedding;
ALTER TABLE incidents
  ADD COLUMN embedding real[],
  ADD COLUMN embedding_dims integer GENERATED ALWAYS AS (array_length(embedding, 1)) STORED,
  ADD COLUMN embedding_docs integer,
  ADD COLUMN features_learned boolean NOT NULL DEFAULT false,
  -- affected resources, dependency hosts and images as short keys (entities.ts), for structured similarity
  ADD COLUMN entities text[] NOT NULL DEFAULT '{}';
UPDATE incidents SET embedding_model = NULL;
CREATE INDEX incidents_unlearned_idx ON incidents (last_seen DESC) WHERE NOT features_learned;

-- feature: a hashed word, word pair or character n-gram (src/incidents/memory/features.ts);
-- df: how many incidents' memory texts contain it.
CREATE TABLE memory_feature_df (
  feature integer PRIMARY KEY,
  df integer NOT NULL CHECK (df >= 0)
);
CREATE TABLE memory_corpus (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  documents integer NOT NULL DEFAULT 0 CHECK (documents >= 0)
);
-- (its one row is written by the first incident: a migration inserts no rows, see docs/packaging.md)

-- Cosine of two L2-normalised vectors where there is no pgvector (the dot product).
CREATE FUNCTION syntra_cosine(a real[], b real[]) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT sum(x::double precision * y) FROM unnest(a, b) AS t(x, y) $$;
