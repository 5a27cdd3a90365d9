/**
 * Where artifact bytes live. Metadata (which run, which version, sha256) is in PostgreSQL;
 * the bytes are in a local directory (embedded mode) or any S3-compatible store.
 */
export interface ArtifactStore {
  readonly kind: 'local' | 's3';
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Resolves to undefined when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Reachability for /readyz. */
  check(): Promise<void>;
}

/** Keys are built by us from ids and names; refuse anything that could escape a prefix. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/.test(key) || key.split('/').some((part) => part === '..' || part === '')) {
    throw new Error(`unsafe artifact key: ${key}`);
  }
}
