-- JWT signing secrets are sealed (AES-256-GCM) with a master key that lives outside the database
-- (SYNTRA_MASTER_KEY / _FILE, or <data-dir>/master.key for an embedded install). sealed_with
-- names that key; NULL marks a secret stored in the clear by an earlier version, which the first
-- process to start seals (and, for the active key, replaces) — see src/access/signing-keys.ts.
ALTER TABLE signing_keys ADD COLUMN sealed_with text;
