import type { RecordedRequest } from '../helpers/fake-openai.js';
import { BILLING_POD } from './fixture-cluster.js';

/**
 * What the analyst-model tests share: the environment that configures the loopback OpenAI server
 * as the provider (no routing rule: the built-in one sends `analyze` to it), and answers a model
 * would write after reading the numbered evidence it was sent.
 */
export const BILLING_QUESTION = 'why is billing crashing in shop?';
export const REFUSING = 'invoice 8812-17 totals disagree with ledger snapshot; refusing to continue';

export const providerEnv = (baseURL: string, provider: 'openai' | 'anthropic' = 'openai') => ({
  SYNTRA_LLM_PROVIDER: provider,
  SYNTRA_LLM_BASE_URL: baseURL,
  SYNTRA_LLM_API_KEY: 'sk-test-loopback-0000000000000000',
  SYNTRA_LLM_MAX_ATTEMPTS: '1',
  SYNTRA_LLM_TIMEOUT_MS: '5000',
});

type Content = string | null | Array<{ text?: string; content?: string }>;

/** Everything the model was sent, as one text (prompt, tool results), in either wire format. */
export const sentText = (req: RecordedRequest): string =>
  (req.body as { messages: Array<{ content: Content }> }).messages
    .flatMap((m) => (Array.isArray(m.content) ? m.content.map((b) => b.text ?? b.content ?? '') : [m.content ?? '']))
    .join('\n');

/** The id the prompt gives the first evidence line containing `text` (as a model reading it would). */
export function idOfLine(req: RecordedRequest, text: string): string {
  const line = sentText(req).split('\n').find((l) => /^E\d+ \[/.test(l) && l.includes(text));
  if (!line) throw new Error(`no evidence item containing "${text}" in the prompt`);
  return line.split(' ')[0]!;
}

export function answer(o: { type?: string; confidence?: number; evidence: string[] }): string {
  return JSON.stringify({
    root_cause: {
      type: o.type ?? 'application_error',
      summary: 'billing exits with code 3 after a ledger consistency check fails for invoice 8812-17',
      confidence: o.confidence ?? 0.8,
      evidence: o.evidence,
    },
    remediation: {
      immediate: ['Reconcile invoice 8812-17 with the ledger', 'kubectl -n shop rollout restart deployment/billing'],
      verification: [`kubectl -n shop logs ${BILLING_POD} --previous`],
      prevention: ['Alert on reconciliation mismatches before they crash the service'],
    },
  });
}
