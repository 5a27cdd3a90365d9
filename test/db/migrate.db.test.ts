import { describe, expect, it } from 'vitest';
import { listMigrations, migrate, migrationsApplied } from '../../src/db/migrate.js';
import { useTestDatabase } from '../helpers/db.js';

describe('migrations', () => {
  const t = useTestDatabase();

  it('the template is fully migrated and migrating again applies nothing', async () => {
    expect(await migrationsApplied(t.db)).toBe(true);
    expect(await migrate(t.db)).toEqual([]);
  });

  it('records every migration in order', async () => {
    const res = await t.db.query<{ id: number }>('SELECT id FROM syntra_migrations ORDER BY id');
    expect(res.rows.map((r) => r.id)).toEqual(listMigrations().map((m) => m.id));
  });

  it('mints time-ordered v7 uuids', async () => {
    const res = await t.db.query<{ a: string; b: string }>('SELECT syntra_uuidv7()::text AS a, syntra_uuidv7()::text AS b');
    const { a, b } = res.rows[0]!;
    expect(a[14]).toBe('7');
    expect(a.slice(0, 8) <= b.slice(0, 8)).toBe(true);
  });

  it('runs a failing migration atomically: nothing half-applied', async () => {
    const bad = [{ id: 999, name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT 1/0;' }];
    await expect(migrate(t.db, bad)).rejects.toThrow();
    const res = await t.db.query(`SELECT to_regclass('half_done') AS t`);
    expect(res.rows[0]?.t).toBeNull();
    const rec = await t.db.query('SELECT 1 FROM syntra_migrations WHERE id = 999');
    expect(rec.rowCount).toBe(0);
  });
});
