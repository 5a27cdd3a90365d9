import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from './spawn-cli.js';
import { startApiHarness, type ApiHarness } from './harness.js';
import { operationsOf, RequestGenerator, type FuzzRequest, type Operation } from '../helpers/openapi-fuzz.js';

/**
 * Property-based fuzz over every operation in /openapi.json, on the backend under test: whatever
 * the input — NUL characters, unpaired surrogates, integers beyond PostgreSQL's ranges, 1e400,
 * wrong types, strings at their maximum length — no answer is a 5xx, every error has the one
 * shape, and an event stream that starts also ends with its `end` event.
 *
 * FUZZ_RUNS (per operation, default 20) and FUZZ_SEED make a run larger or repeatable; a failure
 * prints the seed and the request.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const GENEROUS = { perMinute: 1_000_000, perHour: 1_000_000 };

let h: ApiHarness;
let operations: Operation[];
let finishedRuns: string[];

beforeAll(async () => {
  h = await startApiHarness({
    // /api/ask answers 202 at once instead of waiting for a worker this harness does not run.
    timing: { askWaitMs: 0, eventsPollMs: 20 },
    access: { rateLimits: { default: GENEROUS, anonymous: GENEROUS } },
  });
  // Streams of finished runs end by themselves; a stream of a live run would wait for it forever.
  finishedRuns = [];
  for (let i = 0; i < 2; i++) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', headers: { 'content-type': 'application/json' }, payload: '{"kind":"fuzz.seed","input":{}}' });
    const { runId } = res.json() as { runId: string };
    await h.app.inject({ method: 'POST', url: `/v1/runs/${runId}/cancel` });
    finishedRuns.push(runId);
  }
  operations = operationsOf((await h.app.inject({ url: '/openapi.json' })).json());
});
afterAll(async () => h?.close());

/** What any answer must look like, whatever was sent. */
function problemsWith(req: FuzzRequest, res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `answered ${res.statusCode}: ${res.body.slice(0, 300)}`;
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 400) {
    const body = type.startsWith('application/json') ? (res.json() as { error?: { code?: unknown; message?: unknown } }) : undefined;
    if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') return `a ${res.statusCode} without {error: {code, message}}: ${res.body.slice(0, 300)}`;
  }
  if (type.startsWith('text/event-stream') && !/\nevent: end\n/.test(`\n${res.body}`)) return `the event stream of ${req.url} closed without an end event`;
  return undefined;
}

describe('fuzz: every OpenAPI operation, hostile input, no 5xx', () => {
  it('the document lists the operations to fuzz', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toContain('GET /v1/runs/{runId}/events');
  });

  it(`${RUNS} generated requests per operation: never a 5xx, always the error shape, streams end`, async () => {
    const generator = new RequestGenerator({
      ids: { runId: finishedRuns },
      // A long poll only makes the fuzz slow; its bounds are checked in bad-input.db.test.ts.
      fields: { waitSeconds: fc.constant(0) },
    });
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      const result = await fc.check(
        fc.asyncProperty(generator.request(op), async (req) => {
          sent++;
          const res = await within(h.app.inject(req), 15_000, `${req.method} ${req.url}`);
          const problem = problemsWith(req, res);
          if (problem) throw new Error(`${problem}\n  request: ${JSON.stringify(req).slice(0, 600)}`);
        }),
        { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      if (result.failed) failures.push(`${op.method} ${op.path} (seed ${result.seed}): ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(operations.length * RUNS);
  }, 120_000);
});
