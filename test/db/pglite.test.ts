import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openPglite } from '../../src/db/pglite.js';

describe('openPglite', () => {
  it('starts Postgres with 32 MB of shared buffers and shared memory for 4 sessions, not 128 MB and 100 (zeroing it was the largest cost of a start)', async () => {
    const db = await openPglite();
    try {
      expect((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '32MB' }]);
      expect((await db.query<{ max_connections: string }>('SHOW max_connections')).rows).toEqual([{ max_connections: '4' }]);
      // Buffers, the lock table and the rest: what a start zeroes.
      const { rows } = await db.query<{ size: string }>(`SELECT current_setting('shared_memory_size') AS size`);
      expect(Number.parseInt(rows[0]!.size, 10)).toBeLessThan(40);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('takes another size when asked (SYNTRA_PGLITE_SHARED_BUFFERS_MB, for a large incident memory)', async () => {
    expect(loadConfig({}).pgliteSharedBuffersMb).toBe(32);
    const config = loadConfig({ SYNTRA_PGLITE_SHARED_BUFFERS_MB: '64' });
    const db = await openPglite({ sharedBuffersMb: config.pgliteSharedBuffersMb });
    try {
      expect((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '64MB' }]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
