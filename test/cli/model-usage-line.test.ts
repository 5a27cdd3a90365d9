import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTerminal } from '../../src/cli/output/terminal.js';
import { modelUsageLine, renderAnswer } from '../../src/cli/render/answer.js';

/** The model use of an `ask` run, as the CLI prints it under the answer. */
const plain = () => createTerminal({ color: 'never', output: 'text' }, { stdout: new PassThrough() as unknown as NodeJS.WriteStream, stderr: new PassThrough() as unknown as NodeJS.WriteStream });

describe('model usage line', () => {
  it('says the model, the calls, the tokens and the estimated cost', () => {
    expect(modelUsageLine(plain(), { provider: 'openai', model: 'gpt-4o-mini', calls: 1, inputTokens: 900, outputTokens: 120, estimatedCostUsd: 0.000207 })).toBe(
      'Model       openai/gpt-4o-mini · 1 call · 1,020 tokens (900 in, 120 out) · ~$0.00021',
    );
    expect(modelUsageLine(plain(), { provider: 'anthropic', model: 'claude-sonnet-4-6', calls: 3, inputTokens: 40_000, outputTokens: 2_000, estimatedCostUsd: 0.15 })).toBe(
      'Model       anthropic/claude-sonnet-4-6 · 3 calls · 42,000 tokens (40,000 in, 2,000 out) · ~$0.15',
    );
  });

  it('leaves the cost out when the price is unknown, and the line out when no model was called', () => {
    expect(modelUsageLine(plain(), { provider: 'vllm', model: 'mine', calls: 2, inputTokens: 10, outputTokens: 5 })).toBe('Model       vllm/mine · 2 calls · 15 tokens (10 in, 5 out)');
    expect(modelUsageLine(plain(), { provider: 'openai', model: 'gpt-4o-mini', outcome: 'not_configured', calls: 0 })).toBeUndefined();
    expect(renderAnswer(plain(), { answer: 'ok' })).not.toContain('Model');
    expect(renderAnswer(plain(), { answer: 'ok', model: { provider: 'openai', model: 'gpt-4o-mini', calls: 1, inputTokens: 1, outputTokens: 1 } })).toContain('openai/gpt-4o-mini · 1 call');
  });
});
