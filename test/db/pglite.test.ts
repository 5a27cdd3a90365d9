import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/pglite.js';

describe('openPglite', () => {
  it('starts Postgres with 32 MB of shared buffers, not the default 128 MB (zeroing them was the largest cost of a start)', async () => {
    const db = await openPglite();
    try {
      expect((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '32MB' }]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
