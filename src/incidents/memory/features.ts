import { words, type WordOptions } from './text.js';

/**
 * The features a memory text is embedded by: its normalised words, word pairs, and character
 * 3–5-grams inside words (so "conn"/"connection" and typos still overlap). Each is hashed to a
 * stable 32-bit id (FNV-1a): document frequencies are kept per id in the database, and the
 * vectors must not change between processes or versions.
 */
export const FEATURE_FAMILIES = ['word', 'pair', 'chars'] as const;
export type FeatureFamily = (typeof FEATURE_FAMILIES)[number];

export interface Feature {
  /** Signed 32-bit id (fits a PostgreSQL integer). */
  id: number;
  family: FeatureFamily;
  /** Occurrences in the text. */
  count: number;
}

/** FNV-1a, 32 bit, as a signed integer. */
export function featureId(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export function featuresOf(text: string, options: WordOptions = {}): Feature[] {
  const counts = new Map<string, { family: FeatureFamily; count: number }>();
  const add = (family: FeatureFamily, f: string) => {
    const key = `${family[0]}:${f}`;
    const e = counts.get(key);
    if (e) e.count++;
    else counts.set(key, { family, count: 1 });
  };
  const ws = words(text, options);
  ws.forEach((w, i) => {
    add('word', w);
    if (i > 0) add('pair', `${ws[i - 1]} ${w}`);
    const padded = `^${w}$`;
    for (let n = 3; n <= 5; n++) for (let j = 0; j + n <= padded.length; j++) add('chars', padded.slice(j, j + n));
  });
  return [...counts].map(([key, e]) => ({ id: featureId(key), family: e.family, count: e.count }));
}

/** The distinct feature ids of a text, ascending (the order document frequencies are locked in). */
export function featureIdsOf(text: string, options: WordOptions = {}): number[] {
  return [...new Set(featuresOf(text, options).map((f) => f.id))].sort((a, b) => a - b);
}
