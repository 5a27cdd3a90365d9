import { describe, expect, it } from 'vitest';
import { doubledMemory } from '../../../src/investigator/remediation/catalog.js';

/** The higher memory limit an OOM remediation proposes (set_resources): twice the current one, written whole. */
describe('doubledMemory', () => {
  it.each([
    ['256Mi', '512Mi'],
    ['1Gi', '2Gi'],
    ['1.5Gi', '3Gi'],
    ['768Mi', '1536Mi'],
    ['512Mi', '1Gi'],
    ['100Ki', '200Ki'],
  ])('%s → %s', (limit, doubled) => expect(doubledMemory(limit)).toBe(doubled));

  it.each([undefined, '512M', '1e3', 'lots', ''])('no proposal for %s', (limit) => expect(doubledMemory(limit)).toBeUndefined());
});
