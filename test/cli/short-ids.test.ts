import { describe, expect, it } from 'vitest';
import { shortIds } from '../../src/cli/render/formatting.js';

describe('shortIds (ids in terminal tables)', () => {
  it('8 characters when those tell the ids apart', () => {
    expect(shortIds(['01a241f8-aaaa-7000-8000-000000000000', '01a241f9-aaaa-7000-8000-000000000000'])).toEqual(['01a241f8', '01a241f9']);
  });

  it('longer, the same length on every row, when UUIDv7 ids made close together share the first 8', () => {
    const ids = ['01a241f8-3c10-7000-8000-000000000001', '01a241f8-3c2f-7000-8000-000000000002', '01a241f8-3c2f-7abc-8000-000000000003'];
    const shown = shortIds(ids);
    expect(new Set(shown).size).toBe(3);
    expect(new Set(shown.map((s) => s.length)).size).toBe(1);
    shown.forEach((s, i) => expect(ids[i]!.startsWith(s)).toBe(true));
    // The last two differ at the 16th character; a cut never ends on a dash.
    expect(shown).toEqual(['01a241f8-3c10-70', '01a241f8-3c2f-70', '01a241f8-3c2f-7a']);
    expect(shown.every((s) => !s.endsWith('-'))).toBe(true);
  });

  it('duplicates and a single id do not force the full length', () => {
    expect(shortIds(['01a241f8-3c10-7000-8000-000000000001'])).toEqual(['01a241f8']);
    expect(shortIds([])).toEqual([]);
  });
});
