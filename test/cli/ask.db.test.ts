import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, type CliServer } from './cli-server.js';
import { ANSI, killAll, runCli, type CliEnv } from './run-cli.js';

/**
 * `syntra ask` end to end: the real agents pipeline (rules-only) on the bundled demo cluster,
 * followed live over SSE by the CLI in a child process, then the rendered diagnosis, the
 * required_info answer, the REPL's follow-up question, and the incident it left behind.
 */
let server: CliServer;
let user: CliEnv;

const QUESTION = 'Investigate why the auth-service pod is crashing in production';

beforeAll(async () => {
  server = await startCliServer({ agents: true });
  user = { configDir: server.configDir, cwd: server.workDir };
});

afterAll(async () => {
  killAll();
  await server?.close();
});

describe('syntra ask', () => {
  it('prints one line per agent step, then the root cause, evidence and remediation with writes marked', async () => {
    const r = await runCli(['ask', QUESTION], { ...user, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/run [0-9a-f-]{36} — Ctrl-C cancels it/);
    // The steps, in pipeline order, each started and finished.
    expect(r.stdout).toMatch(/▸ planner plan[\s\S]*✓ planner plan → diagnose_\w+[\s\S]*▸ evidence_collector collect_evidence[\s\S]*▸ incident_analyst analyze[\s\S]*▸ reviewer review[\s\S]*▸ reporter report[\s\S]*run succeeded/);
    expect(r.stdout).toMatch(/Root cause\s+service_no_endpoints\s+confidence \d+%/);
    expect(r.stdout).toContain('Service postgres (port 5432) has no ready endpoints');
    expect(r.stdout).toMatch(/Evidence\n\s+\[/);
    expect(r.stdout).toMatch(/\$ kubectl -n production scale deployment\/postgres --replicas=1\s+\[write — needs approval\]/);
    expect(r.stdout).toMatch(/Verify\n\s+\$ kubectl -n production get endpoints postgres/);
    expect(r.stdout).toMatch(/incident [0-9a-f-]{36} · run [0-9a-f-]{36}/);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('--json prints the run output that scripts can read', async () => {
    const r = await runCli(['ask', QUESTION, '--json'], { ...user, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as { runId: string; status: string; output: { diagnosis: { root_cause: { type: string } }; incidentId: string } };
    expect(body.status).toBe('succeeded');
    expect(body.output.diagnosis.root_cause.type).toBe('service_no_endpoints');
    expect(body.output.incidentId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('required_info: says what is missing and lists the candidates, exit 0', async () => {
    const r = await runCli(['ask', 'diagnose pod auth-service'], { ...user, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Syntra needs more information: namespace');
    expect(r.stdout).toMatch(/namespace candidates: production, staging/);
    expect(r.stdout).toContain('--namespace');
    const json = await runCli(['ask', 'diagnose pod auth-service', '--json'], { ...user, timeoutMs: 60_000 });
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'succeeded', output: { required_info: ['namespace'] } });
  });

  it('in the REPL, required_info asks for the missing value and asks the question again with it', async () => {
    const r = await runCli(['repl'], { ...user, input: 'diagnose pod auth-service\nproduction\n/exit\n', timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Which namespace\? \(production, staging\)/);
    expect(r.stderr).toMatch(/run [0-9a-f-]{36} in production/);
    expect(r.stdout).toMatch(/Root cause\s+service_no_endpoints/);
  });
});

describe('after asking', () => {
  it('incidents list and show the diagnosis; agents, tools and health describe the server', async () => {
    const list = await runCli(['incidents', 'list', '--json', '-n', 'production'], user);
    expect(list.code, list.stderr).toBe(0);
    const incident = (JSON.parse(list.stdout) as { items: Array<{ id: string; rootCauseType: string }> }).items.find((i) => i.rootCauseType === 'service_no_endpoints');
    expect(incident).toBeDefined();
    const show = await runCli(['incidents', 'show', incident!.id], user);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/Root cause:\s+service_no_endpoints/);
    expect(show.stdout).toContain('[write — needs approval]');

    const agents = await runCli(['agents'], user);
    expect(agents.code, agents.stderr).toBe(0);
    for (const name of ['planner', 'evidence_collector', 'incident_analyst', 'reviewer', 'reporter']) expect(agents.stdout).toContain(name);
    const tools = await runCli(['tools', '--json'], user);
    expect(JSON.stringify(JSON.parse(tools.stdout))).toContain('get_logs');
    const health = await runCli(['health'], user);
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout).toMatch(/Ready:\s+ready/);
  });
});
