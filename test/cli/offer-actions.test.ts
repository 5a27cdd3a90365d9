import { describe, expect, it } from 'vitest';
import { approvable, mayPrompt, offerProposedActions, type Caller, type OfferedAction } from '../../src/cli/ask/offer-actions.js';
import type { ApiClient } from '../../src/cli/client/http.js';
import { createTerminal } from '../../src/cli/output/terminal.js';

/** The decision `syntra ask` takes before offering an action: a terminal, and a caller who may approve. */
const operator: Caller = { userId: 'u1', permissions: ['kubernetes:read', 'kubernetes:write'], namespaces: null, keyType: 'live' };
const tty = { stdinTTY: true, stdoutTTY: true, json: false };
const action: OfferedAction = {
  id: 'a1',
  namespace: 'production',
  action: 'scale',
  target: { kind: 'Deployment', name: 'postgres', namespace: 'production' },
  params: { replicas: 1 },
  status: 'pending_approval',
  destructive: null,
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
  requestedByUser: null,
  dryRun: { diff: [{ path: 'spec.replicas', before: 0, after: 1 }] },
};

describe('whether syntra ask prompts', () => {
  it('only on a terminal, in text output, for a caller with kubernetes:write and not a test key', () => {
    expect(mayPrompt(tty, operator)).toEqual({ ok: true });
    expect(mayPrompt({ ...tty, stdinTTY: false }, operator)).toEqual({ ok: false, why: 'not a terminal' });
    expect(mayPrompt({ ...tty, stdoutTTY: false }, operator)).toEqual({ ok: false, why: 'not a terminal' });
    expect(mayPrompt({ ...tty, json: true }, operator)).toEqual({ ok: false, why: 'JSON output' });
    expect(mayPrompt(tty, undefined)).toEqual({ ok: false, why: 'not signed in' });
    expect(mayPrompt(tty, { ...operator, permissions: ['kubernetes:read'] })).toEqual({ ok: false, why: 'you lack kubernetes:write' });
    expect(mayPrompt(tty, { ...operator, keyType: 'test' })).toEqual({ ok: false, why: 'a sk_test_ key never approves' });
  });

  it('offers only dry-run, non-destructive, unexpired actions of the caller’s namespaces that someone else proposed', () => {
    expect(approvable(operator, action)).toBe(true);
    expect(approvable(operator, { ...action, status: 'proposed' })).toBe(false);
    expect(approvable(operator, { ...action, destructive: 'scales to zero (now 3)' })).toBe(false);
    expect(approvable(operator, { ...action, expiresAt: new Date(Date.now() - 1).toISOString() })).toBe(false);
    expect(approvable({ ...operator, namespaces: ['staging'] }, action)).toBe(false);
    expect(approvable({ ...operator, namespaces: ['staging'] }, { ...action, namespace: null, target: { kind: 'Node', name: 'node-3' } })).toBe(false);
    expect(approvable(operator, { ...action, requestedByUser: 'u1' })).toBe(false);
  });

  it('off a terminal it asks nothing and calls nothing, whatever was proposed', async () => {
    const asked: string[] = [];
    const untouchable = new Proxy({}, { get: () => () => Promise.reject(new Error('the API must not be called off a terminal')) }) as unknown as ApiClient;
    const term = createTerminal({ color: 'never', output: 'text' });
    await offerProposedActions({ client: untouchable, term, runId: 'r1', ctx: { ...tty, stdinTTY: false }, question: async (q) => (asked.push(q), 'y') }, [{ id: 'a1' }]);
    await offerProposedActions({ client: untouchable, term, runId: 'r1', ctx: { ...tty, json: true }, question: async (q) => (asked.push(q), 'y') }, [{ id: 'a1' }]);
    expect(asked).toEqual([]);
  });
});
