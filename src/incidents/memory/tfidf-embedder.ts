import type { Queryable } from '../../db/database.js';
import { databaseFrequencies, type DocumentFrequencies, type FrequencySource } from './document-frequencies.js';
import { normalise, type Embedder } from './embedder.js';
import { FEATURE_FAMILIES, featuresOf, type Feature, type FeatureFamily } from './features.js';
import type { WordOptions } from './text.js';

/**
 * The offline default embedder: no model, no download, deterministic for a given memory.
 * Each feature family (features.ts) is weighted by sublinear TF × IDF, where the document
 * frequencies are learned from the incidents remembered so far (document-frequencies.ts), then
 * L2-normalised on its own and added with its family weight into DIMENSIONS signed hash buckets
 * (collisions cancel instead of adding up), and the whole vector is L2-normalised.
 *
 * IDF: log((N + 1) / (df + 1)) + 1 — words every incident says ("crash", "restart") count for
 * little once the memory has seen many incidents, rare ones (a host, an error code) for much.
 * A vector made when the memory knew far fewer incidents is re-made in the background
 * (reembed.ts, `documents` below).
 */
export const TFIDF_DIMENSIONS = 512;
export const FAMILY_WEIGHTS: Record<FeatureFamily, number> = { word: 1, pair: 0.5, chars: 0.5 };

export interface TfidfOptions {
  dims?: number;
  weights?: Partial<Record<FeatureFamily, number>>;
  /** false: every feature's IDF is 1 (the ablation "without learned weights"). */
  idf?: boolean;
  /** Text normalisations (all on by default; ablations only: the features must match the learned frequencies). */
  text?: WordOptions;
}

export function tfidfVector(features: Feature[], freq: DocumentFrequencies, options: TfidfOptions = {}): number[] {
  const dims = options.dims ?? TFIDF_DIMENSIONS;
  const weights = { ...FAMILY_WEIGHTS, ...options.weights };
  const useIdf = options.idf !== false;
  const v = new Array<number>(dims).fill(0);
  for (const family of FEATURE_FAMILIES) {
    const own = features.filter((f) => f.family === family);
    const w = own.map((f) => (1 + Math.log(f.count)) * (useIdf ? Math.log((freq.documents + 1) / ((freq.df.get(f.id) ?? 0) + 1)) + 1 : 1));
    const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    if (norm === 0 || weights[family] === 0) continue;
    own.forEach((f, i) => {
      const bucket = (f.id >>> 0) % dims;
      v[bucket]! += (f.id < 0 ? -1 : 1) * (w[i]! / norm) * weights[family];
    });
  }
  return normalise(v);
}

export class TfidfEmbedder implements Embedder {
  readonly model: string;
  constructor(
    private readonly source: FrequencySource,
    private readonly options: TfidfOptions = {},
  ) {
    this.model = `tfidf-ngram-v2/${options.dims ?? TFIDF_DIMENSIONS}`;
  }

  /** Learns from the incidents in this database. */
  static of(db: Queryable, options: TfidfOptions = {}): TfidfEmbedder {
    return new TfidfEmbedder(databaseFrequencies(db), options);
  }

  async embed(texts: string[]): Promise<number[][]> {
    const features = texts.map((t) => featuresOf(t, this.options.text));
    const freq = await this.source.frequencies([...new Set(features.flatMap((fs) => fs.map((f) => f.id)))]);
    return features.map((fs) => tfidfVector(fs, freq, this.options));
  }

  /** How many incidents the weights were learned from: stored with each vector. */
  async documents(): Promise<number> {
    return (await this.source.frequencies([])).documents;
  }
}
