import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccess } from '../../src/access/access.js';
import { masterKeyFrom, resolveMasterKeys, seal, unseal } from '../../src/access/master-key.js';
import { openPglite } from '../../src/db/pglite.js';
import { isSyntraError } from '../../src/domain/errors.js';
import { pgliteTemplateDump } from '../helpers/db.js';

/** Where the master key comes from, how it seals, and that no signing secret reaches the disk in the clear. */
const root = mkdtempSync(path.join(tmpdir(), 'syntra-master-key-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isSyntraError(e) && e.code === 'config_invalid') return e.message;
    throw e;
  }
  throw new Error('expected config_invalid');
}

describe('resolveMasterKeys', () => {
  it('generates an embedded install’s key once, owner-only, in the data directory', () => {
    const dataDir = path.join(root, 'embedded');
    const first = resolveMasterKeys('embedded', dataDir, {});
    const file = path.join(dataDir, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveMasterKeys('embedded', dataDir, {}).current).toEqual(first.current);
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
  });

  it('requires one for a server replica, from the environment or a mounted file', () => {
    expect(configError(() => resolveMasterKeys('distributed', root, {}))).toMatch(/SYNTRA_MASTER_KEY_FILE .* is required/);
    const file = path.join(root, 'mounted-secret');
    writeFileSync(file, 'a mounted master key of at least thirty-two characters\n');
    const fromFile = resolveMasterKeys('distributed', root, { SYNTRA_MASTER_KEY_FILE: file });
    const inline = resolveMasterKeys('distributed', root, { SYNTRA_MASTER_KEY: 'a mounted master key of at least thirty-two characters' });
    expect(fromFile.current).toEqual(inline.current);
    expect(readdirSync(root)).not.toContain('master.key');
  });

  it('refuses unclear settings with a message naming the variable', () => {
    expect(configError(() => resolveMasterKeys('distributed', root, { SYNTRA_MASTER_KEY: 'short' }))).toMatch(/SYNTRA_MASTER_KEY must be at least 32/);
    expect(configError(() => resolveMasterKeys('distributed', root, { SYNTRA_MASTER_KEY: 'x'.repeat(40), SYNTRA_MASTER_KEY_FILE: '/x' }))).toMatch(/not both/);
    expect(configError(() => resolveMasterKeys('distributed', root, { SYNTRA_MASTER_KEY_FILE: path.join(root, 'missing') }))).toMatch(/cannot be read: ENOENT/);
    expect(configError(() => resolveMasterKeys('embedded', root, { SYNTRA_MASTER_KEY_PREVIOUS: 'x'.repeat(40) }))).toMatch(/SYNTRA_MASTER_KEY is not/);
  });
});

describe('seal', () => {
  it('opens only with the same key and for the same row', () => {
    const a = masterKeyFrom('x'.repeat(40));
    const b = masterKeyFrom('y'.repeat(40));
    const sealed = seal(a, Buffer.from('the secret'), 'k-1');
    expect(unseal(a, sealed, 'k-1').toString()).toBe('the secret');
    expect(() => unseal(b, sealed, 'k-1')).toThrow();
    expect(() => unseal(a, sealed, 'k-2')).toThrow();
  });
});

describe('an embedded data directory', () => {
  it('holds the signing secret nowhere in the clear — not in the tables, not in the write-ahead log', async () => {
    const dataDir = path.join(root, 'pg');
    const db = await openPglite({ dataDir, loadDataDir: await pgliteTemplateDump() });
    let secret: Uint8Array;
    try {
      const access = createAccess(db, { masterKeys: resolveMasterKeys('embedded', path.join(root, 'data'), {}) });
      secret = (await access.keyRing.active()).secret;
      await db.query('CHECKPOINT');
    } finally {
      await db.close();
    }
    const files = (readdirSync(dataDir, { recursive: true }) as string[]).map((f) => path.join(dataDir, f)).filter((f) => statSync(f).isFile());
    expect(files.some((f) => f.includes('pg_wal'))).toBe(true);
    const holding = files.filter((f) => readFileSync(f).includes(Buffer.from(secret)));
    expect(holding).toEqual([]);
  });
});
