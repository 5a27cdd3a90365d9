import { createHash } from 'node:crypto';
import type { Database } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import type { ArtifactStore } from './store.js';

export interface ArtifactVersion {
  artifactId: string;
  runId: string;
  name: string;
  kind: string;
  version: number;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  createdAt: string;
}

/**
 * Stores a new version of a run's artifact: bytes first (content-addressed key, so a retry
 * writes the same object), then the metadata rows in one transaction. A crash between the
 * two leaves an unreferenced object, never a row pointing at missing bytes.
 */
export async function putArtifactVersion(
  db: Database,
  store: ArtifactStore,
  input: { runId: string; name: string; kind: string; contentType: string; body: Uint8Array | string; metadata?: Record<string, unknown> },
): Promise<ArtifactVersion> {
  if (!/^[a-z0-9][a-z0-9._-]{0,127}$/i.test(input.name)) {
    throw new SyntraError('validation_failed', `artifact name "${input.name}" must be 1–128 letters, digits, dots, dashes or underscores`);
  }
  const body = typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body;
  const sha256 = createHash('sha256').update(body).digest('hex');
  const storageKey = `runs/${input.runId}/${input.name}/${sha256}`;
  await store.put(storageKey, body, input.contentType);

  return db.transaction(async (tx) => {
    const artifact = await tx.query<{ id: string; latest_version: number }>(
      `INSERT INTO artifacts (run_id, name, kind, latest_version) VALUES ($1, $2, $3, 1)
       ON CONFLICT (run_id, name) DO UPDATE SET latest_version = artifacts.latest_version + 1, kind = EXCLUDED.kind
       RETURNING id, latest_version`,
      [input.runId, input.name, input.kind],
    );
    const { id, latest_version: version } = artifact.rows[0]!;
    const row = await tx.query<{ created_at: Date }>(
      `INSERT INTO artifact_versions (artifact_id, version, content_type, size_bytes, sha256, storage_key, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at`,
      [id, version, input.contentType, body.byteLength, sha256, storageKey, input.metadata ?? {}],
    );
    return {
      artifactId: id,
      runId: input.runId,
      name: input.name,
      kind: input.kind,
      version,
      contentType: input.contentType,
      sizeBytes: body.byteLength,
      sha256,
      storageKey,
      createdAt: row.rows[0]!.created_at.toISOString(),
    };
  });
}

/** The bytes of a run's artifact, latest version unless one is named. */
export async function readArtifactVersion(
  db: Database,
  store: ArtifactStore,
  input: { runId: string; name: string; version?: number },
): Promise<{ meta: Pick<ArtifactVersion, 'version' | 'contentType' | 'sha256'>; body: Uint8Array }> {
  const res = await db.query<{ version: number; content_type: string; sha256: string; storage_key: string }>(
    `SELECT v.version, v.content_type, v.sha256, v.storage_key
       FROM artifacts a JOIN artifact_versions v ON v.artifact_id = a.id
      WHERE a.run_id = $1 AND a.name = $2 AND v.version = COALESCE($3, a.latest_version)`,
    [input.runId, input.name, input.version ?? null],
  );
  const row = res.rows[0];
  if (!row) throw new SyntraError('not_found', `artifact ${input.name}${input.version ? ` v${input.version}` : ''} not found for run ${input.runId}`);
  const body = await store.get(row.storage_key);
  if (!body) throw new SyntraError('internal', `artifact bytes missing from the store for ${input.name} v${row.version}`);
  return { meta: { version: row.version, contentType: row.content_type, sha256: row.sha256 }, body };
}
