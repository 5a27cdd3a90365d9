import { describe, expect, it } from 'vitest';
import { submitCommand, type SubmitStep } from '../../src/control-plane/commands.js';
import { getRun } from '../../src/control-plane/runs.js';
import { SyntraError } from '../../src/domain/errors.js';
import { useTestDatabase } from '../helpers/db.js';

const TABLES = ['commands', 'threads', 'runs', 'tasks', 'queue_items', 'ledger_events', 'outbox'] as const;

describe('submitCommand', () => {
  const t = useTestDatabase();

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    return out;
  };

  it('inserts command, thread, run, first task, queue item, ledger events and a wakeup outbox row', async () => {
    const before = await counts();
    const res = await submitCommand(t.db, { kind: 'echo', input: { message: 'hi' }, namespace: 'prod', priority: 5 }, { createdBy: 'alice' });
    expect(res).toMatchObject({ status: 'queued', created: true });
    const after = await counts();
    for (const table of TABLES) expect(after[table]! - before[table]!, table).toBe(table === 'ledger_events' ? 2 : 1);

    const detail = (await getRun(t.db, res.runId))!;
    expect(detail.run).toMatchObject({ id: res.runId, kind: 'echo', status: 'queued', namespace: 'prod', input: { message: 'hi' } });
    expect(detail.run.commandId).toBe(res.commandId);
    expect(detail.run.threadId).toBe(res.threadId);
    expect(detail.tasks).toHaveLength(1);
    expect(detail.tasks[0]).toMatchObject({ taskType: 'echo', status: 'queued', priority: 5, maxAttempts: 3 });
    expect(detail.events.map((e) => [e.seq, e.type, e.actor])).toEqual([
      [1, 'run.queued', 'alice'],
      [2, 'task.queued', 'alice'],
    ]);
    const outbox = await t.db.query<{ topic: string; payload: { runId: string } }>(`SELECT topic, payload FROM outbox ORDER BY id DESC LIMIT 1`);
    expect(outbox.rows[0]).toMatchObject({ topic: 'syntra.wake.echo', payload: { runId: res.runId } });
  });

  it.each(['command', 'thread', 'run', 'task', 'queue_item', 'ledger', 'outbox'] as SubmitStep[])(
    'is atomic: a fault after the %s insert leaves no row in any table',
    async (step) => {
      const before = await counts();
      const fault = new Error(`injected after ${step}`);
      await expect(
        submitCommand(t.db, { kind: 'echo', input: {} }, {
          idempotencyKey: `atomic-${step}`,
          hooks: {
            afterInsert: (s) => {
              if (s === step) throw fault;
            },
          },
        }),
      ).rejects.toBe(fault);
      expect(await counts()).toEqual(before);
      // The key was not consumed by the rolled-back attempt.
      const retry = await submitCommand(t.db, { kind: 'echo', input: {} }, { idempotencyKey: `atomic-${step}` });
      expect(retry.created).toBe(true);
    },
  );

  it.each(['command', 'thread', 'run', 'task', 'queue_item', 'ledger', 'outbox'] as SubmitStep[])(
    'is atomic in SQL too: syntra_submit_command failing right after the %s insert leaves no row in any table',
    async (step) => {
      const before = await counts();
      const err = await t.db
        .query(`SELECT * FROM syntra_submit_command('echo', '{}'::jsonb, NULL, '{}'::jsonb, $1, NULL, 0, 3, 300, $2)`, [`sql-atomic-${step}`, step])
        .catch((e: unknown) => e);
      expect(String((err as Error).message)).toContain(`injected fault after ${step}`);
      expect(await counts()).toEqual(before);
      const retry = await submitCommand(t.db, { kind: 'echo', input: {} }, { idempotencyKey: `sql-atomic-${step}` });
      expect(retry.created).toBe(true);
    },
  );

  it('returns the same run for the same Idempotency-Key, also under concurrent retries', async () => {
    const body = { kind: 'echo', input: { n: 1, nested: { a: [1, 2] } }, metadata: { source: 'test' } };
    const results = await Promise.all(Array.from({ length: 8 }, () => submitCommand(t.db, body, { idempotencyKey: 'same-key' })));
    const runIds = new Set(results.map((r) => r.runId));
    expect(runIds.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const runs = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM runs r JOIN commands c ON c.id = r.command_id WHERE c.idempotency_key = 'same-key'`,
    );
    expect(runs.rows[0]!.n).toBe(1);
    // Key order inside JSON does not make a body different.
    const again = await submitCommand(t.db, { kind: 'echo', input: { nested: { a: [1, 2] }, n: 1 }, metadata: { source: 'test' } }, { idempotencyKey: 'same-key' });
    expect(again).toMatchObject({ runId: [...runIds][0], created: false });
  });

  it('refuses a reused key with a different body (conflict)', async () => {
    await submitCommand(t.db, { kind: 'echo', input: { v: 1 } }, { idempotencyKey: 'k2' });
    const err = await submitCommand(t.db, { kind: 'echo', input: { v: 2 } }, { idempotencyKey: 'k2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyntraError);
    expect((err as SyntraError).code).toBe('conflict');
    const err2 = await submitCommand(t.db, { kind: 'echo', input: { v: 1 }, maxAttempts: 7 }, { idempotencyKey: 'k2' }).catch((e: unknown) => e);
    expect((err2 as SyntraError).code).toBe('conflict');
  });

  it.each([
    [{ kind: '', input: {} }, 'kind'],
    [{ kind: 'bad kind', input: {} }, 'kind'],
    [{ kind: 'wake.>', input: {} }, 'kind'],
    [{ kind: 'echo', input: [] as unknown as Record<string, unknown> }, 'input'],
    [{ kind: 'echo', input: {}, maxAttempts: 0 }, 'maxAttempts'],
    [{ kind: 'echo', input: {}, timeoutSeconds: 1.5 }, 'timeoutSeconds'],
  ])('rejects invalid input %j before touching the database', async (input, field) => {
    const before = await counts();
    const err = await submitCommand(t.db, input).catch((e: unknown) => e);
    expect((err as SyntraError).code).toBe('validation_failed');
    expect((err as SyntraError).details).toEqual({ field });
    expect(await counts()).toEqual(before);
  });
});
