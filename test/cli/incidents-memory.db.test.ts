import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import { upsertIncident } from '../../src/incidents/index.js';
import { CASES } from '../incidents/memory-fixtures.js';
import { startCliServer, type CliServer } from './cli-server.js';
import { killAll, runCli, type CliEnv } from './run-cli.js';

/**
 * The incident memory from the CLI as a user types it (child processes against a real API and
 * the agents on the demo cluster): `ask` twice shows the recurrence and the similar past
 * incident; search, feedback (and its usage errors), show, similar, tag, resolve and reopen.
 */
let server: CliServer;
let admin: CliEnv;
const QUESTION = 'Investigate why the auth-service pod is crashing in production';

beforeAll(async () => {
  server = await startCliServer({ agents: true });
  admin = { configDir: server.configDir, cwd: server.workDir };
  const [namespace, workload, diagnosis] = CASES.pgStaging;
  const { runId } = await submitCommand(server.db, { kind: 'echo', input: {} });
  await upsertIncident(server.db, { runId, namespace, subject: { kind: 'Deployment', name: workload, namespace }, diagnosis });
});
afterAll(async () => {
  killAll();
  await server?.close();
});

const cli = async (args: string[]) => {
  const r = await runCli(args, { ...admin, timeoutMs: 60_000 });
  return { ...r, all: r.stdout + r.stderr };
};

// Each step spawns the CLI a few times (a second or more each on a busy machine).
describe('syntra incidents and the memory in ask', { timeout: 90_000 }, () => {
  let incidentId: string;

  it('shows similar past incidents and the recurrence in the second answer', async () => {
    const first = await cli(['ask', QUESTION, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout) as { output: { incidentId: string; similarIncidents: Array<{ id: string; title: string }> } };
    incidentId = out.output.incidentId;
    // The staging incident with the same cause is already similar the first time.
    expect(out.output.similarIncidents.map((s) => s.title)).toEqual([expect.stringMatching(/billing-api in staging/)]);

    const second = await cli(['ask', QUESTION]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Recurring\s+2nd time in 7 days; no fix recorded yet/);
    expect(second.stdout).toMatch(/Similar past incidents\n\s+• \S+ 100% similar/);
    expect(second.stdout).toMatch(/billing-api in staging/);
  });

  it('records feedback, and says what to do when given none', async () => {
    const none = await cli(['incidents', 'feedback', incidentId]);
    expect(none.code).toBe(2);
    expect(none.all).toMatch(/say something: --verified or --not-verified/);

    const ok = await cli(['incidents', 'feedback', incidentId, '--verified', '--applied', 'scaled deployment/postgres to 1', '--note', 'came back in a minute']);
    expect(ok.code, ok.all).toBe(0);
    expect(ok.stdout).toMatch(/Feedback recorded for service no endpoints: deployment auth-service in production\. Its fix now ranks first/);

    const third = await cli(['ask', QUESTION]);
    expect(third.stdout).toMatch(/3rd time in 7 days; last fixed by scaled deployment\/postgres to 1 — verified/);
    expect(third.stdout).toMatch(/fix: scaled deployment\/postgres to 1 — verified/);
  });

  it('searches, lists recurring, tags, resolves and reopens', async () => {
    const found = await cli(['incidents', 'search', 'connection refused postgres', '--json']);
    expect(found.code, found.all).toBe(0);
    expect((JSON.parse(found.stdout) as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(incidentId);
    const text = await cli(['incidents', 'search', 'connection', 'refused', 'postgres', '-n', 'staging']);
    expect(text.stdout).toMatch(/billing-api in staging/);
    expect(text.stdout).not.toMatch(/auth-service in production/);

    const recurring = JSON.parse((await cli(['incidents', 'list', '--recurring', '--json'])).stdout) as { items: Array<{ id: string }> };
    expect(recurring.items.map((i) => i.id)).toEqual([incidentId]);
    expect((await cli(['incidents', 'tag', incidentId, '--add', 'postgres,demo'])).stdout).toMatch(/tags connectivity, database, demo, missing-dependency, postgres/);
    expect((await cli(['incidents', 'resolve', incidentId, '--note', 'postgres back'])).stdout).toMatch(/: resolved\./);
    const again = await cli(['incidents', 'reopen', incidentId, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'open', resolvedAt: null, tags: expect.arrayContaining(['postgres']) });
  });
});
