import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { listMigrations } from '../../src/db/migrate.js';
import { openPgliteThread } from '../../src/db/pglite-thread.js';

/**
 * Embedded PGlite on a thread of its own (src/db/pglite-thread.ts): the same contract as PGlite on
 * the main thread — values as PGlite returns them, database errors with their fields, transactions
 * that commit or roll back, a statement outside an open transaction waiting for it — on a real
 * on-disk data directory, migrated on the thread. From the sources there is no snapshot, so the
 * directory migrates from nothing (slow: one database for the whole file).
 */
const work = mkdtempSync(path.join(tmpdir(), 'syntra-pglite-thread-'));
const dataDir = path.join(work, 'pg');
let db: Database;
beforeAll(async () => {
  db = await openPgliteThread({ dataDir });
}, 180_000);
afterAll(async () => {
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('PGlite on its own thread', () => {
  it('opens the data directory owner-only and migrated', async () => {
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    const ids = (await db.query<{ id: number }>('SELECT id FROM syntra_migrations ORDER BY id')).rows.map((r) => r.id);
    expect(ids).toEqual(listMigrations().map((m) => m.id));
  });

  it('returns values as PGlite does: numbers for int8, dates, JSON, bytes', async () => {
    const { rows, rowCount } = await db.query<{ n: number; t: Date; j: unknown; b: Uint8Array }>(`SELECT 42::int8 AS n, '2026-01-02T03:04:05Z'::timestamptz AS t, $1::jsonb AS j, $2::bytea AS b`, [
      JSON.stringify({ a: [1, 'x'] }),
      Buffer.from('hi'),
    ]);
    expect(rowCount).toBe(1);
    expect(rows[0]!.n).toBe(42);
    expect(rows[0]!.t).toBeInstanceOf(Date);
    expect(rows[0]!.t.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(rows[0]!.j).toEqual({ a: [1, 'x'] });
    expect(Buffer.from(rows[0]!.b).toString()).toBe('hi');
  });

  it('rejects with the database error and its fields (code, severity), as on one thread', async () => {
    const e = (await db.query('SELECT * FROM no_such_table').catch((x: unknown) => x)) as Error & { code?: string; severity?: string };
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toMatch(/relation "no_such_table" does not exist/);
    expect(e.code).toBe('42P01');
    expect(e.severity).toBe('ERROR');
  });

  it('commits a transaction when its function resolves and rolls it back when it throws', async () => {
    await db.exec('CREATE TABLE thread_tx (v int)');
    expect(await db.transaction(async (tx) => (await tx.query('INSERT INTO thread_tx VALUES (1), (2)'), 'done'))).toBe('done');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO thread_tx VALUES (3)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // A failing statement inside fails the transaction the same way.
    await expect(db.transaction((tx) => tx.query('INSERT INTO thread_tx VALUES (1 / 0)'))).rejects.toMatchObject({ code: '22012' });
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM thread_tx')).rows).toEqual([{ n: 2 }]);
  });

  it('a statement outside an open transaction waits until it ends (one connection)', async () => {
    await db.exec('CREATE TABLE thread_wait (v int)');
    const order: string[] = [];
    const tx = db.transaction(async (t) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await t.query('INSERT INTO thread_wait VALUES (1)');
      order.push('transaction');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM thread_wait').then((r) => order.push(`outside saw ${r.rows[0]!.n}`));
    await Promise.all([tx, outside]);
    expect(order).toEqual(['transaction', 'outside saw 1']);
  });

  it('a parameter that cannot cross the thread boundary fails that statement only', async () => {
    await expect(db.query('SELECT $1::text AS v', [() => 'a function'])).rejects.toThrow(/could not be cloned/);
    expect((await db.query<{ v: string }>('SELECT $1::text AS v', ['still there'])).rows).toEqual([{ v: 'still there' }]);
  });

  it('fails to open a data directory it cannot use, and leaves no thread behind', async () => {
    const file = path.join(work, 'a-file');
    writeFileSync(file, 'not a directory');
    await expect(openPgliteThread({ dataDir: path.join(file, 'pg') })).rejects.toThrow();
  }, 60_000);
});
