/**
 * Embeddings behind one interface: the offline default (tfidf-embedder.ts: hashed word and
 * character n-grams weighted by TF-IDF learned from the incidents) or an OpenAI-compatible
 * endpoint (openai-embedder.ts). Every vector is stored with its embedder's model name; only
 * vectors of the same model are compared.
 */
export interface Embedder {
  /** Stored with each vector, e.g. "tfidf-ngram-v2/512" or "openai:text-embedding-3-small". */
  readonly model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  /**
   * For embedders that learn from the memory: how many incidents they have learned from. A vector
   * made when that was far smaller is stale (reembed.ts).
   */
  documents?(): Promise<number>;
}

/** A vector with no direction (a text with no features): stored as no vector, never compared. */
export const isZero = (v: ArrayLike<number>): boolean => Array.prototype.every.call(v, (x: number) => x === 0);

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
