import { words } from './text.js';

/**
 * Embeddings behind one interface: the offline default (hashed word and character n-grams,
 * no model, deterministic) or an OpenAI-compatible endpoint (openai-embedder.ts). Every
 * vector is stored with its embedder's model name; only vectors of the same model are compared.
 */
export interface Embedder {
  /** Stored with each vector, e.g. "hash-ngram-v1/384" or "openai:text-embedding-3-small". */
  readonly model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export const HASH_DIMENSIONS = 384;

/** FNV-1a, 32 bit: a fast, stable hash (the vectors must not change between processes or versions). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function normalise(v: number[]): number[] {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return n === 0 ? v : v.map((x) => x / n);
}

/** Cosine of two normalised vectors of the same length (0 when either is missing or lengths differ). */
export function cosine(a: ArrayLike<number> | null | undefined, b: ArrayLike<number> | null | undefined): number {
  if (!a || !b || a.length !== b.length) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Feature hashing of words (weight 1), word pairs (0.5) and character trigrams inside words
 * (0.25, so "conn"/"connection" and typos still overlap), log-scaled counts, signed buckets
 * (collisions cancel instead of adding up), L2-normalised.
 */
export function hashEmbedding(text: string, dims = HASH_DIMENSIONS): number[] {
  const counts = new Map<string, number>();
  const add = (f: string, w: number) => counts.set(f, (counts.get(f) ?? 0) + w);
  const ws = words(text);
  ws.forEach((w, i) => {
    add(`w:${w}`, 1);
    if (i > 0) add(`b:${ws[i - 1]} ${w}`, 0.5);
    const padded = `^${w}$`;
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
  });
  const v = new Array<number>(dims).fill(0);
  for (const [f, c] of counts) {
    const h = fnv1a(f);
    v[h % dims]! += (h & 0x80000000 ? -1 : 1) * Math.log1p(c);
  }
  return normalise(v);
}

export class HashEmbedder implements Embedder {
  readonly model: string;
  constructor(private readonly dims = HASH_DIMENSIONS) {
    this.model = `hash-ngram-v1/${dims}`;
  }
  embed(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((t) => hashEmbedding(t, this.dims)));
  }
}
