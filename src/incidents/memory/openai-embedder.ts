import type OpenAI from 'openai';
import type { Env } from '../../config.js';
import { SyntraError } from '../../domain/errors.js';
import type { Queryable } from '../../db/database.js';
import { normalise, type Embedder } from './embedder.js';
import { TfidfEmbedder } from './tfidf-embedder.js';
import { maskText } from './text.js';

/**
 * An OpenAI-compatible embeddings endpoint (OpenAI, vLLM, Ollama, LocalAI…) through the
 * `openai` client. Text is masked once more before it leaves the process. The client (and its
 * 150 modules) loads at the first embedding, not when a process starts.
 */
export class OpenAIEmbedder implements Embedder {
  readonly model: string;
  private client: Promise<OpenAI> | undefined;
  constructor(private readonly options: { baseURL: string; apiKey?: string; model: string; timeoutMs?: number }) {
    this.model = `openai:${options.model}`;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return [];
    const { baseURL, apiKey, timeoutMs } = this.options;
    this.client ??= import('openai').then(({ default: OpenAI }) => new OpenAI({ baseURL, apiKey: apiKey || 'not-needed', maxRetries: 1, timeout: timeoutMs ?? 10_000 }));
    const res = await (await this.client).embeddings.create(
      { model: this.options.model, input: texts.map((t) => maskText(t).slice(0, 8000)), encoding_format: 'float' },
      signal ? { signal } : {},
    );
    const byIndex = [...res.data].sort((a, b) => a.index - b.index);
    if (byIndex.length !== texts.length) {
      throw new SyntraError('provider_invalid_output', `embeddings endpoint returned ${byIndex.length} vectors for ${texts.length} inputs`);
    }
    return byIndex.map((d) => normalise(d.embedding));
  }
}

/**
 * SYNTRA_EMBEDDINGS_URL (an OpenAI-compatible base URL ending in /v1) switches the memory to
 * that endpoint, with SYNTRA_EMBEDDINGS_MODEL (default text-embedding-3-small) and
 * SYNTRA_EMBEDDINGS_API_KEY; without it the offline TF-IDF n-gram embedder, learning from the
 * incidents in `db`, is used.
 */
export function embedderFromEnv(env: Env, db: Queryable): Embedder {
  const url = env.SYNTRA_EMBEDDINGS_URL?.trim();
  if (!url) return TfidfEmbedder.of(db);
  try {
    new URL(url);
  } catch {
    throw new SyntraError('config_invalid', `SYNTRA_EMBEDDINGS_URL is not a URL: "${url}" (e.g. https://api.openai.com/v1)`);
  }
  const apiKey = env.SYNTRA_EMBEDDINGS_API_KEY?.trim();
  return new OpenAIEmbedder({ baseURL: url, model: env.SYNTRA_EMBEDDINGS_MODEL?.trim() || 'text-embedding-3-small', ...(apiKey ? { apiKey } : {}) });
}
